/**
 * Odoo 18's RPC credential checks against the legacy tables:
 * - `authenticate(login, secret)`: `common.login` / `common.authenticate` —
 *   `res.users._login` + `_check_credentials(…, {'interactive': False})`.
 * - `checkUid(uid, secret)`: what `object.execute(_kw)` runs first — `res.users.check` →
 *   `_check_uid_passwd`.
 * - `findApiKeyOwner(key)`: JSON-2 `Authorization: bearer` (API key alone).
 *
 * Rules reproduced from res_users.py:
 * - the login matches exactly (`_get_login_domain` = `login = %s`: case-sensitive, no trimming)
 *   among active users only (the ORM search applies `active_test`);
 * - the secret may be the user's password or one of the user's API keys with scope NULL or
 *   `rpc`, unexpired; an empty secret is refused; `password` may be NULL (then only keys work);
 * - when 2FA (auth_totp) is enabled for the user (`totp_secret` set), RPC accepts API keys only
 *   (`_rpc_api_keys_only`).
 *
 * Throttling is not done here (see login-throttle.ts): the caller knows the client address.
 */
import { randomBytes } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import { RPC_SCOPE, findApiKeyCandidates, verifyApiKeyHash, type ApiKeyCandidate } from './api-keys.ts';
import { toAuthDatabase, type AuthDatabase, type AuthDatabaseSource } from './auth-database.ts';
import { ODOO_PASSWORD_MIN_ROUNDS, verifyOdooPassword } from './odoo-password.ts';
import { formatPbkdf2Sha512, PBKDF2_SHA512_CHECKSUM_BYTES, PBKDF2_SHA512_DEFAULT_SALT_BYTES } from './passlib-pbkdf2.ts';
import { VerificationCache } from './verification-cache.ts';
import { AcceptedCredentials } from './accepted-credentials.ts';
import type { CredentialChanges } from './credential-changes.ts';

export interface CredentialStoreOptions {
  /**
   * Remembers successful verifications (see verification-cache.ts). A fresh cache by default;
   * `false` verifies every call from scratch, as the reference behaviour for tests.
   */
  cache?: VerificationCache | false;
  /** API key scope to accept besides global keys; Odoo's RPC entry points use 'rpc'. */
  scope?: string;
  /**
   * The database's credential-change feed (credential-changes.ts). With it, `checkUid` and
   * `findApiKeyOwner` answer a secret they accepted before from memory, without reading
   * res_users, for as long as the feed announces no change of that user (accepted-credentials.ts).
   */
  changes?: CredentialChanges;
}

export interface CredentialStore {
  /** uid for (login, password or API key), or null. */
  authenticate(login: string, secret: string): Promise<number | null>;
  /**
   * Interactive login (`/web/session/authenticate`, `interactive: True`): the password only,
   * never an API key. Users with 2FA are refused here (Ficus has no second-factor page).
   */
  authenticatePassword(login: string, password: string): Promise<number | null>;
  /** Whether `secret` is the password or an API key of active user `uid`. */
  checkUid(uid: number, secret: string): Promise<boolean>;
  /** Owner of an API key (bearer authentication), or null. */
  findApiKeyOwner(key: string): Promise<number | null>;
}

interface UserRow {
  id: number;
  password: string | null;
  /** auth_totp's `_rpc_api_keys_only`: passwords are refused over RPC. */
  apiKeysOnly: boolean;
}

const MAX_INT4 = 0x7fffffff;

/**
 * A well-formed hash at Odoo's round count that no secret matches (its checksum is random, not
 * derived). A login or uid that does not exist is checked against it, so it costs what a wrong
 * password costs and the answer's timing does not tell which logins exist. Odoo itself answers
 * an unknown login at once; only the timing differs from it, never the answer.
 */
const NO_SUCH_USER_HASH = formatPbkdf2Sha512({
  rounds: ODOO_PASSWORD_MIN_ROUNDS,
  salt: randomBytes(PBKDF2_SHA512_DEFAULT_SALT_BYTES),
  checksum: randomBytes(PBKDF2_SHA512_CHECKSUM_BYTES),
});

/** What a bearer key's remembered owner is filed under (an RPC check files under its uid). */
const BEARER_SCOPE = 'bearer';

function expiryOf(key: ApiKeyCandidate): { notAfter?: number } {
  return key.expiresAtMs === null ? {} : { notAfter: key.expiresAtMs };
}

/** Odoo's generated keys; only used to pick which check to try first, never to accept or refuse. */
const LOOKS_LIKE_ODOO_API_KEY = /^[0-9a-f]{40}$/;

export function createCredentialStore(source: AuthDatabaseSource, options: CredentialStoreOptions = {}): CredentialStore {
  const db = toAuthDatabase(source);
  const cache = options.cache === false ? null : (options.cache ?? new VerificationCache());
  const scope = options.scope ?? RPC_SCOPE;
  const hasTotpColumn = memoizeUntilSuccess(() => columnExists(db, 'res_users', 'totp_secret'));
  const accepted = options.changes ? new AcceptedCredentials(options.changes) : null;

  /**
   * The two user lookups, built and compiled once per shape: every RPC call reads the user row
   * (see checkUid), and compiling a kysely query each time was a visible share of the gateway's
   * time per call. The looked-up value is the one parameter that changes.
   */
  const lookups = new Map<string, CompiledQuery<UserRow>>();
  const LOOKED_UP = Symbol('looked-up value');
  function compiledLookup(by: 'login' | 'id', totp: boolean): CompiledQuery<UserRow> {
    const shape = `${by}:${totp}`;
    let compiled = lookups.get(shape);
    if (!compiled) {
      const query = db
        .selectFrom('res_users')
        .select(['id', 'password'])
        // Selected by name only when auth_totp created the column (it is not in the base schema).
        .select(totp ? sql<boolean>`coalesce(totp_secret, '') <> ''`.as('apiKeysOnly') : sql<boolean>`false`.as('apiKeysOnly'))
        .where('active', '=', true)
        .where(by, '=', LOOKED_UP as never)
        .limit(1);
      compiled = query.compile() as CompiledQuery<UserRow>;
      lookups.set(shape, compiled);
    }
    return compiled;
  }

  async function loadUser(where: { login: string } | { id: number }): Promise<UserRow | null> {
    const compiled = compiledLookup('login' in where ? 'login' : 'id', await hasTotpColumn());
    const value = 'login' in where ? where.login : where.id;
    const parameters = compiled.parameters.map((parameter) => (parameter === LOOKED_UP ? value : parameter));
    const { rows } = await db.executeQuery<UserRow>({ ...compiled, parameters });
    return rows[0] ?? null;
  }

  async function passwordMatches(user: UserRow, secret: string, askedAs: string): Promise<boolean> {
    if (user.apiKeysOnly) return false;
    const storedHash = user.password ?? '';
    if (!cache) return verifyOdooPassword(secret, storedHash);
    return cache.verify(user.id, secret, { kind: 'password', storedHash }, () => verifyOdooPassword(secret, storedHash), askedAs);
  }

  /** Spends a failing password check's time (or, for a repeat, a remembered failure's, as a real user's repeat would), then says no. */
  async function noSuchUser(secret: string, askedAs: string): Promise<null> {
    if (!secret) return null;
    const check = () => verifyOdooPassword(secret, NO_SUCH_USER_HASH);
    await (cache ? cache.verify(0, secret, { kind: 'password', storedHash: NO_SUCH_USER_HASH }, check, askedAs) : check());
    return null;
  }

  /** The key among `candidates` (of user `uid`) that `secret` is, if any. */
  async function keyMatches(uid: number, secret: string, candidates: ApiKeyCandidate[], askedAs = `uid ${uid}`): Promise<ApiKeyCandidate | undefined> {
    for (const candidate of candidates) {
      const { userId, hash } = candidate;
      if (userId !== uid) continue;
      const ok = cache
        ? await cache.verify(uid, secret, { kind: 'apikey', storedHash: hash }, () => verifyApiKeyHash(secret, hash), askedAs)
        : await verifyApiKeyHash(secret, hash);
      if (ok) return candidate;
    }
    return undefined;
  }

  /** How long an acceptance by this password or key holds by itself: a key's expiration, a password's forever. */
  type Acceptance = { notAfter?: number } | false;

  async function apiKeyMatches(user: UserRow, secret: string, askedAs: string): Promise<Acceptance> {
    const key = await keyMatches(user.id, secret, await findApiKeyCandidates(db, secret, { scope, userId: user.id }), askedAs);
    return key ? expiryOf(key) : false;
  }

  async function passwordAccepts(user: UserRow, secret: string, askedAs: string): Promise<Acceptance> {
    return (await passwordMatches(user, secret, askedAs)) ? {} : false;
  }

  /**
   * Odoo tries the password, then API keys; either one accepts, so the order only changes the
   * cost. A known API-key caller, or a secret shaped like a key, tries the key first: its check
   * is one indexed query plus 6,000 rounds, against 600,000 for a failing password.
   */
  async function credentialsMatch(user: UserRow, secret: string, askedAs: string): Promise<Acceptance> {
    if (!secret) return false;
    const known = cache?.peek(user.id, secret);
    const keyFirst = known ? known.kind === 'apikey' : LOOKS_LIKE_ODOO_API_KEY.test(secret);
    const checks = keyFirst ? [apiKeyMatches, passwordAccepts] : [passwordAccepts, apiKeyMatches];
    for (const check of checks) {
      const acceptance = await check(user, secret, askedAs);
      if (acceptance) return acceptance;
    }
    return false;
  }

  function acceptedBefore(uid: number, secret: string): boolean {
    if (!accepted || !Number.isSafeInteger(uid) || uid <= 0 || uid > MAX_INT4 || typeof secret !== 'string') return false;
    return accepted.acceptedUid(`uid ${uid}`, secret) === uid;
  }

  return {
    async authenticate(login, secret) {
      // PostgreSQL rejects NUL in text parameters; no login can contain one.
      if (typeof login !== 'string' || !login || login.includes('\0') || typeof secret !== 'string') return null;
      const user = await loadUser({ login });
      if (!user) return noSuchUser(secret, `login ${login}`);
      return (await credentialsMatch(user, secret, `login ${login}`)) ? user.id : null;
    },

    async authenticatePassword(login, password) {
      if (typeof login !== 'string' || !login || login.includes('\0') || typeof password !== 'string' || !password) return null;
      const user = await loadUser({ login });
      if (!user) return noSuchUser(password, `login ${login}`);
      return (await passwordMatches(user, password, `login ${login}`)) ? user.id : null;
    },

    async checkUid(uid, secret) {
      if (!Number.isSafeInteger(uid) || uid <= 0 || uid > MAX_INT4 || typeof secret !== 'string') return false;
      const scopeOfUid = `uid ${uid}`;
      if (acceptedBefore(uid, secret)) return true;
      const stamp = accepted?.stamp();
      const user = await loadUser({ id: uid });
      if (!user) return (await noSuchUser(secret, scopeOfUid)) ?? false;
      const acceptance = await credentialsMatch(user, secret, scopeOfUid);
      if (!acceptance) return false;
      accepted?.remember(scopeOfUid, secret, uid, stamp, acceptance.notAfter);
      return true;
    },

    async findApiKeyOwner(key) {
      if (typeof key !== 'string' || !key) return null;
      const known = accepted?.acceptedUid(BEARER_SCOPE, key);
      if (known !== undefined) return known;
      const stamp = accepted?.stamp();
      for (const candidate of await findApiKeyCandidates(db, key, { scope })) {
        if (await keyMatches(candidate.userId, key, [candidate])) {
          accepted?.remember(BEARER_SCOPE, key, candidate.userId, stamp, expiryOf(candidate).notAfter);
          return candidate.userId;
        }
      }
      return null;
    },
  };
}

async function columnExists(db: AuthDatabase, table: string, column: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = ${column}
    ) AS found`.execute(db);
  return rows[0]?.found === true;
}

/** Runs `load` once and keeps its result; a failure (database down) is retried on the next call. */
function memoizeUntilSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
