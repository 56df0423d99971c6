/**
 * Odoo's password CryptContext (`res.users._crypt_context`, Odoo 18):
 * `CryptContext(['pbkdf2_sha512', 'plaintext'], deprecated=['auto'], pbkdf2_sha512__rounds=max(600000, ICP))`.
 *
 * Stored forms of `res_users.password` and how each verifies here:
 * - `$pbkdf2-sha512$…`: PBKDF2 (any round count: older databases hold 25000/350000-round hashes).
 * - NULL or '': no password login possible (Odoo reads `COALESCE(password, '')`; nothing
 *   non-empty equals '').
 * - anything else: passlib's `plaintext` scheme, i.e. equality. Odoo lets admins put clear-text
 *   passwords into the column by SQL and rehashes them at module init (any value not matching
 *   `^\$[^$]+\$[^$]+\$.`); until then, and for odd MCF values such as a foreign `$2b$` bcrypt
 *   hash, passlib identifies them as plaintext and compares strings. We do the same, in
 *   constant time.
 *
 * Deliberate difference: on success Odoo rewrites plaintext or low-round hashes
 * (`verify_and_update`). The gateway does not: the column belongs to the monolith, and a new
 * hash changes Odoo's session token (computed from `password`), logging the user out of every
 * Odoo browser session. `needsRehash` tells a caller that wants to do it anyway.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hashPbkdf2Sha512, isPbkdf2Sha512, parsePbkdf2Sha512, verifyPbkdf2Sha512 } from './passlib-pbkdf2.ts';

/** `MIN_ROUNDS` in res_users.py (17, 18, 19). */
export const ODOO_PASSWORD_MIN_ROUNDS = 600_000;

/**
 * Checks `given` against `res_users.password` the way `_check_credentials` does.
 * An empty given password is always refused (Odoo raises AccessDenied before hashing).
 */
export async function verifyOdooPassword(given: string, stored: string | null): Promise<boolean> {
  if (!given) return false;
  const hashed = stored ?? '';
  // passlib tries schemes in order; pbkdf2_sha512 claims anything with its prefix, even if malformed.
  if (isPbkdf2Sha512(hashed)) return verifyPbkdf2Sha512(given, hashed);
  if (hashed === '') return false;
  return constantTimeStringEqual(given, hashed);
}

/** Hashes a password as Odoo 18 would store it (600,000 rounds unless `password.hashing.rounds` says more). */
export function hashOdooPassword(password: string, rounds = ODOO_PASSWORD_MIN_ROUNDS): Promise<string> {
  if (!password) throw new RangeError('empty passwords are not allowed');
  return hashPbkdf2Sha512(password, { rounds: Math.max(rounds, ODOO_PASSWORD_MIN_ROUNDS) });
}

/** passlib `needs_update` for Odoo's context: plaintext (deprecated) or fewer rounds than configured. */
export function needsRehash(stored: string | null, rounds = ODOO_PASSWORD_MIN_ROUNDS): boolean {
  if (!stored) return false;
  const parsed = parsePbkdf2Sha512(stored);
  return !parsed || parsed.rounds < Math.max(rounds, ODOO_PASSWORD_MIN_ROUNDS);
}

/** Equality whose duration does not depend on where the strings differ, nor (beyond hashing) on their lengths. */
function constantTimeStringEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
