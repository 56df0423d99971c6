/**
 * Remembers successful (uid, secret) verifications so that repeated RPC calls — every
 * XML-RPC `execute_kw` carries the password again — don't each pay 600,000 PBKDF2 rounds.
 *
 * Why this is safe:
 * - An entry records a fact that cannot go stale: "secret S verifies against stored hash H".
 *   PBKDF2 verification is a pure function of (S, H). A hit is accepted only if the hash the
 *   caller *just read from the database* is still exactly H, so a password change, a rehash, a
 *   revoked or replaced API key (different row hash), a deactivated user or an expired key (no
 *   row returned by the SQL filters) all take effect on the very next call. Only the hashing is
 *   skipped, never the database read.
 * - Only successes are stored. Wrong guesses always cost full PBKDF2 (and feed the login
 *   throttle), and an attacker cannot fill memory with failures.
 * - Secrets are not kept. The map key is HMAC-SHA256 under a random 32-byte key drawn per cache
 *   instance (per process), so the key is unpredictable outside the process, collisions are
 *   negligible (2^-128), and nothing persists across restarts. Someone able to read this
 *   process's memory could use the key to test guesses quickly — but such a reader already sees
 *   clear-text passwords arriving on every request, so nothing is lost that wasn't already.
 * - Odoo does the same itself: `res.users._check_uid_passwd` is `@ormcache('uid', 'passwd')`,
 *   cleared when `password`/`active` change; we check the stored hash instead of relying on
 *   invalidation signals, which cannot reach this process from the monolith.
 * - A hit answers faster than a miss; that only tells a caller who already holds a valid
 *   secret that it was used recently.
 *
 * Memory is bounded: least-recently-used entries go first past `maxEntries`, and entries expire
 * after `ttlMs` regardless of use.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type CredentialKind = 'password' | 'apikey';

export interface VerifiedCredential {
  kind: CredentialKind;
  /** The stored hash (or legacy clear-text value) the secret was verified against. */
  storedHash: string;
}

export interface VerificationCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

interface Entry extends VerifiedCredential {
  expiresAt: number;
}

export class VerificationCache {
  readonly #hmacKey = randomBytes(32);
  readonly #entries = new Map<string, Entry>();
  /** Concurrent first verifications of the same (uid, secret, hash) share one PBKDF2 run. */
  readonly #inFlight = new Map<string, Promise<boolean>>();
  /**
   * Secrets that did not verify against a given stored hash. Remembering a failure is as safe
   * as remembering a success: the outcome is a pure function of (secret, stored hash), and the
   * key includes the stored hash, so a changed password or key is verified afresh. It keeps a
   * client that repeats a wrong password from costing 600,000 PBKDF2 rounds every time (the
   * login throttle still counts each attempt).
   */
  readonly #failures = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: VerificationCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The credential (uid, secret) was last verified against, if remembered. */
  peek(uid: number, secret: string): VerifiedCredential | undefined {
    const id = this.#id(uid, secret);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return { kind: entry.kind, storedHash: entry.storedHash };
  }

  /**
   * True if `secret` verifies against `storedHash`: from memory when that exact pair was
   * verified before, otherwise by running `verify` (once, however many callers ask at the same
   * time) and remembering the outcome. A failure is remembered under `askedAs`, the user as the
   * caller named them (`login alice`, `uid 5`), never under the uid the name led to: otherwise
   * a fast second failure by login after one by uid would tell which login is which uid. A
   * login or uid that does not exist is asked with uid 0 (no user has it) against a hash no
   * secret matches, so its repeated failures are remembered and answer as fast as a real
   * user's: the timing never tells which logins exist.
   */
  async verify(
    uid: number,
    secret: string,
    credential: VerifiedCredential,
    verify: () => Promise<boolean>,
    askedAs = `uid ${uid}`,
  ): Promise<boolean> {
    const id = this.#id(uid, secret);
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt > this.#now() && entry.kind === credential.kind && entry.storedHash === credential.storedHash) {
      this.#touch(id, entry);
      return true;
    }
    const flightId = `${id}\0${credential.kind}\0${credential.storedHash}`;
    const failureId = `${this.#id(askedAs, secret)}\0${credential.kind}\0${credential.storedHash}`;
    const failedUntil = this.#failures.get(failureId);
    if (failedUntil !== undefined) {
      if (failedUntil > this.#now()) return false;
      this.#failures.delete(failureId);
    }
    const running = this.#inFlight.get(flightId);
    if (running) return running;
    const run = verify().then((ok) => {
      if (ok) this.#remember(id, credential);
      else this.#rememberFailure(failureId);
      return ok;
    });
    this.#inFlight.set(flightId, run);
    try {
      return await run;
    } finally {
      this.#inFlight.delete(flightId);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#failures.clear();
  }

  #rememberFailure(failureId: string): void {
    this.#failures.delete(failureId);
    this.#failures.set(failureId, this.#now() + this.#ttlMs);
    // Oldest first (insertion order): bounded like the successes.
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxEntries) break;
      this.#failures.delete(key);
    }
  }

  #id(uid: number | string, secret: string): string {
    return createHmac('sha256', this.#hmacKey).update(`${uid}\0${secret}`, 'utf8').digest('base64');
  }

  #touch(id: string, entry: Entry): void {
    // Map iteration order is insertion order: re-inserting makes this the most recently used.
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  #remember(id: string, credential: VerifiedCredential): void {
    this.#entries.delete(id);
    this.#entries.set(id, { ...credential, expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
