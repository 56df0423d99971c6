/**
 * Odoo 18 API keys (`res.users.apikeys`, table `res_users_apikeys`).
 *
 * A key is 20 random bytes as 40 lowercase hex characters. The table keeps `index` = the first
 * 8 characters (to find candidate rows without hashing) and `key` = a pbkdf2_sha512 hash of the
 * whole key with only 6,000 rounds (`KEY_CRYPT_CONTEXT`: keys are random, so slow hashing buys
 * nothing against dictionaries). Only that scheme is accepted — no plaintext fallback, unlike
 * passwords.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AuthDatabase } from './auth-database.ts';
import { hashPbkdf2Sha512, verifyPbkdf2Sha512 } from './passlib-pbkdf2.ts';

/** `API_KEY_SIZE` in res_users.py, in bytes. */
export const API_KEY_BYTES = 20;
/** `INDEX_SIZE`: characters of the clear key stored in `index`. */
export const API_KEY_INDEX_LENGTH = 8;
/** `KEY_CRYPT_CONTEXT`'s pbkdf2_sha512__rounds. */
export const API_KEY_HASH_ROUNDS = 6000;
/** The scope XML-RPC/JSON-RPC/JSON-2 check ("'rpc' scope does not really exist, we basically require a global key"). */
export const RPC_SCOPE = 'rpc';

export function apiKeyIndex(key: string): string {
  return key.slice(0, API_KEY_INDEX_LENGTH);
}

export function verifyApiKeyHash(key: string, storedHash: string): Promise<boolean> {
  return verifyPbkdf2Sha512(key, storedHash);
}

export interface GeneratedApiKey {
  /** Shown to the user once, never stored. */
  key: string;
  index: string;
  /** Value for `res_users_apikeys.key`. */
  hash: string;
}

/** What `res.users.apikeys._generate` computes before its INSERT. */
export async function generateApiKey(): Promise<GeneratedApiKey> {
  const key = randomBytes(API_KEY_BYTES).toString('hex');
  return { key, index: apiKeyIndex(key), hash: await hashPbkdf2Sha512(key, { rounds: API_KEY_HASH_ROUNDS }) };
}

export interface ApiKeyCandidate {
  userId: number;
  hash: string;
  /** `expiration_date` (naive UTC) in ms since the epoch; null for a key that never expires. */
  expiresAtMs: number | null;
}

export interface ApiKeyLookup {
  scope: string;
  /** Restricts to one owner (execute_kw knows the uid); all owners when omitted (bearer auth). */
  userId?: number;
}

/**
 * Rows that could hold `key`, with Odoo's filters (`_check_credentials`): same index, scope NULL
 * (global key) or equal to the requested scope, not expired (`expiration_date` is naive UTC,
 * compared in SQL against `now() at time zone 'utc'`, as Odoo does), owner active.
 */
export async function findApiKeyCandidates(db: AuthDatabase, key: string, lookup: ApiKeyLookup): Promise<ApiKeyCandidate[]> {
  const index = apiKeyIndex(key);
  // A shorter key can't match the CHECK (char_length(index) = 8); a NUL byte would make PostgreSQL reject the query.
  if (index.length !== API_KEY_INDEX_LENGTH || index.includes('\0')) return [];
  let query = db
    .selectFrom('res_users_apikeys as k')
    .innerJoin('res_users as u', 'u.id', 'k.user_id')
    .select(['k.user_id as userId', 'k.key as hash'])
    // extract(epoch …) reads a timestamp without time zone as UTC, which Odoo's naive dates are.
    .select(sql<number | null>`(extract(epoch from k.expiration_date) * 1000)::float8`.as('expiresAtMs'))
    .where('u.active', '=', true)
    .where('k.index', '=', index)
    .where((eb) => eb.or([eb('k.scope', 'is', null), eb('k.scope', '=', lookup.scope)]))
    .where((eb) =>
      eb.or([eb('k.expiration_date', 'is', null), eb('k.expiration_date', '>=', sql<Date>`now() at time zone 'utc'`)]),
    )
    .orderBy('k.id');
  if (lookup.userId !== undefined) query = query.where('k.user_id', '=', lookup.userId);
  return query.execute();
}
