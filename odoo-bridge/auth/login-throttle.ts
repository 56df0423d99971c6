/**
 * Login cooldown, after Odoo's `res.users._assert_can_auth` / `_on_login_cooldown`:
 * once a key has `failuresBeforeCooldown` failures since its last success, every attempt within
 * `cooldownMs` of the latest failure is refused *without checking the credentials* (and without
 * counting). When the cooldown has passed one attempt goes through; failing again starts a new
 * cooldown at once, because the counter only resets on success.
 *
 * Odoo keys the counter by client address only (`request.httprequest.remote_addr`), in memory,
 * per worker. Here each attempt is counted under its client address and, additionally, under
 * the login (or uid) tried, so that one account guessed from many addresses also cools down.
 * Trade-off: anyone can put a known login on cooldown by failing on purpose; pass only
 * `clientAddress` for exact Odoo behaviour.
 *
 * Memory is bounded: the map is kept ordered by latest failure, entries are forgotten
 * `forgetAfterMs` after their latest failure (Odoo keeps them until the next success), and past
 * `maxEntries` the oldest go first.
 */
import type { Logger } from 'pino';
import { accessDenied, OdooError } from '../errors.ts';

export const LOGIN_COOLDOWN_MESSAGE = 'Too many login failures, please wait a bit before trying again.';

export interface LoginCooldownSettings {
  /** `base.login_cooldown_after`; 0 disables throttling. */
  failuresBeforeCooldown: number;
  /** `base.login_cooldown_duration`, in milliseconds. */
  cooldownMs: number;
}

/** Odoo's defaults when the parameters are missing. */
export const ODOO_LOGIN_COOLDOWN_DEFAULTS: LoginCooldownSettings = { failuresBeforeCooldown: 5, cooldownMs: 60_000 };

export interface LoginThrottleOptions extends Partial<LoginCooldownSettings> {
  maxEntries?: number;
  forgetAfterMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /**
   * Where failed and throttled attempts are logged (login or uid tried, client address; the
   * password or key never reaches the throttle). Operators watch these lines for guessing.
   */
  logger?: Pick<Logger, 'warn'>;
}

/** A change of the cooldown counters, as one throttle tells it and another applies it. */
export type LoginThrottleChange = { kind: 'failure'; keys: AttemptKeys; at: number } | { kind: 'success'; keys: AttemptKeys };

export interface AttemptKeys {
  clientAddress?: string;
  /** Login for `authenticate`, uid for `execute_kw` (where only the uid is sent). */
  login?: string | number;
}

interface Failures {
  count: number;
  lastFailureAt: number;
}

export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #settings: LoginCooldownSettings;
  readonly #maxEntries: number;
  readonly #forgetAfterMs: number;
  readonly #now: () => number;
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  readonly #listeners: ((change: LoginThrottleChange) => void)[] = [];

  constructor(options: LoginThrottleOptions = {}) {
    this.#settings = {
      failuresBeforeCooldown: options.failuresBeforeCooldown ?? ODOO_LOGIN_COOLDOWN_DEFAULTS.failuresBeforeCooldown,
      cooldownMs: options.cooldownMs ?? ODOO_LOGIN_COOLDOWN_DEFAULTS.cooldownMs,
    };
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#forgetAfterMs = Math.max(options.forgetAfterMs ?? 24 * 3600_000, this.#settings.cooldownMs);
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  get trackedKeys(): number {
    return this.#failures.size;
  }

  isOnCooldown(keys: AttemptKeys): boolean {
    return this.cooldownRemainingMs(keys) > 0;
  }

  /** Milliseconds until an attempt under `keys` is checked again (the longest of its keys); 0 when it may be now. */
  cooldownRemainingMs(keys: AttemptKeys): number {
    const { failuresBeforeCooldown, cooldownMs } = this.#settings;
    // No failure counted anywhere (the steady state): nothing can be on cooldown.
    if (failuresBeforeCooldown <= 0 || this.#failures.size === 0) return 0;
    const now = this.#now();
    let remaining = 0;
    for (const key of mapKeys(keys)) {
      const entry = this.#failures.get(key);
      if (entry !== undefined && entry.count >= failuresBeforeCooldown) remaining = Math.max(remaining, cooldownMs - (now - entry.lastFailureAt));
    }
    return remaining > 0 ? remaining : 0;
  }

  /** Throws Odoo's AccessDenied("Too many login failures…") while on cooldown. */
  assertCanAttempt(keys: AttemptKeys): void {
    if (this.isOnCooldown(keys)) {
      this.#logger?.warn({ ...describe(keys), cooldownMs: this.#settings.cooldownMs }, 'login throttled: too many failures, refused without checking');
      throw accessDenied(LOGIN_COOLDOWN_MESSAGE);
    }
  }

  /**
   * Tells `listener` of every failure this throttle counts and of every success that clears
   * counted failures, for other processes of the same gateway to `apply` (one cooldown across
   * gateway processes, runtime/shared-login-cooldown.ts). A success that clears nothing is not
   * told: the steady state of many good calls costs no message.
   */
  onChange(listener: (change: LoginThrottleChange) => void): void {
    this.#listeners.push(listener);
  }

  recordFailure(keys: AttemptKeys): void {
    const now = this.#now();
    const failures = Math.max(0, ...mapKeys(keys).map((key) => this.#failures.get(key)?.count ?? 0)) + 1;
    this.#logger?.warn({ ...describe(keys), failures }, 'login failed');
    this.#countFailure(keys, now);
    for (const listener of this.#listeners) listener({ kind: 'failure', keys, at: now });
  }

  recordSuccess(keys: AttemptKeys): void {
    if (this.#clear(keys)) for (const listener of this.#listeners) listener({ kind: 'success', keys });
  }

  /**
   * A change told by another process's throttle: counted here as if it had happened here (a
   * failure adds one, so concurrent failures in several processes all count), without logging
   * it again or telling it on.
   */
  apply(change: LoginThrottleChange): void {
    if (change.kind === 'failure') this.#countFailure(change.keys, change.at);
    else this.#clear(change.keys);
  }

  #countFailure(keys: AttemptKeys, at: number): void {
    for (const key of mapKeys(keys)) {
      const entry = this.#failures.get(key);
      // Delete + set keeps the map ordered by latest failure, oldest first.
      this.#failures.delete(key);
      this.#failures.set(key, { count: (entry?.count ?? 0) + 1, lastFailureAt: Math.max(at, entry?.lastFailureAt ?? at) });
    }
    this.#evict(this.#now());
  }

  /** Forgets the keys' failures; whether there were any. */
  #clear(keys: AttemptKeys): boolean {
    if (this.#failures.size === 0) return false;
    let cleared = false;
    for (const key of mapKeys(keys)) cleared = this.#failures.delete(key) || cleared;
    return cleared;
  }

  /**
   * Runs one attempt under the throttle: refuses it while on cooldown, otherwise counts a null
   * or false result (or an AccessDenied thrown by `attempt`) as a failure and anything else as
   * a success. Note that Odoo's `common.authenticate` turns the cooldown error into a plain
   * `false` result, while `execute_kw` lets it reach the client.
   */
  async attempt<T>(keys: AttemptKeys, attempt: () => Promise<T>): Promise<T> {
    this.assertCanAttempt(keys);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (isAccessDenied(error)) this.recordFailure(keys);
      throw error;
    }
    if (result === null || result === false) this.recordFailure(keys);
    else this.recordSuccess(keys);
    return result;
  }

  #evict(now: number): void {
    for (const [key, entry] of this.#failures) {
      if (this.#failures.size <= this.#maxEntries && now - entry.lastFailureAt < this.#forgetAfterMs) break;
      this.#failures.delete(key);
    }
  }
}

/** What a log line says about an attempt: the login (or uid) tried and the client address; nothing secret. */
function describe(keys: AttemptKeys): Record<string, string | number> {
  return {
    ...(typeof keys.login === 'number' ? { uid: keys.login } : keys.login !== undefined ? { login: String(keys.login).slice(0, 128) } : {}),
    ...(keys.clientAddress !== undefined ? { address: keys.clientAddress } : {}),
  };
}

function mapKeys(keys: AttemptKeys): string[] {
  const mapped: string[] = [];
  if (keys.clientAddress !== undefined) mapped.push(`address:${keys.clientAddress}`);
  if (typeof keys.login === 'number') mapped.push(`uid:${keys.login}`);
  else if (keys.login !== undefined) mapped.push(`login:${keys.login}`);
  return mapped;
}

function isAccessDenied(error: unknown): boolean {
  return error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessDenied';
}
