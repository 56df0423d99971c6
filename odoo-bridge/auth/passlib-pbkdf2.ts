/**
 * passlib's `pbkdf2_sha512` scheme: `$pbkdf2-sha512$<rounds>$<salt ab64>$<checksum ab64>`,
 * checksum = PBKDF2-HMAC-SHA512(secret as UTF-8, salt, rounds, 64 bytes).
 *
 * Everything is asynchronous: 600,000 rounds cost ~0.4–0.7 s of CPU, which must never run on the
 * event loop. They run on pbkdf2-pool.ts's hash threads (at most cores − 1 at once, at lowered
 * priority), the rest queue.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ab64Decode, ab64Encode } from './adapted-base64.ts';
import { pbkdf2OnHashThreads } from './pbkdf2-pool.ts';

const pbkdf2Async = pbkdf2OnHashThreads;

export const PBKDF2_SHA512_PREFIX = '$pbkdf2-sha512$';
/** passlib's pbkdf2_sha512.checksum_size. */
export const PBKDF2_SHA512_CHECKSUM_BYTES = 64;
/** passlib's default_salt_size. */
export const PBKDF2_SHA512_DEFAULT_SALT_BYTES = 16;
/** passlib's pbkdf2 max_salt_size. */
const MAX_SALT_BYTES = 1024;
/** Node accepts at most an int32 iteration count; passlib's own limit (2^32-1) is never used in practice. */
const MAX_ROUNDS = 0x7fffffff;
/**
 * passlib refuses secrets longer than this (PasswordSizeError, `MAX_PASSWORD_SIZE`), so such a
 * secret can never have been hashed by Odoo; refusing it early also caps the work per attempt.
 */
export const MAX_SECRET_BYTES = 4096;

export interface Pbkdf2Sha512Hash {
  rounds: number;
  salt: Buffer;
  checksum: Buffer;
}

/** passlib `identify`: the scheme is recognised by its prefix alone (a malformed rest is still "this scheme"). */
export function isPbkdf2Sha512(stored: string): boolean {
  return stored.startsWith(PBKDF2_SHA512_PREFIX);
}

/** Parses a stored hash with passlib's strictness; null when malformed. */
export function parsePbkdf2Sha512(stored: string): Pbkdf2Sha512Hash | null {
  if (!isPbkdf2Sha512(stored)) return null;
  const parts = stored.slice(PBKDF2_SHA512_PREFIX.length).split('$');
  if (parts.length !== 3) return null;
  const [roundsText, saltText, checksumText] = parts as [string, string, string];
  // passlib rejects zero-padded rounds ("0600000") as malformed.
  if (!/^[1-9][0-9]*$/.test(roundsText)) return null;
  const rounds = Number(roundsText);
  if (rounds > MAX_ROUNDS) return null;
  const salt = ab64Decode(saltText);
  const checksum = ab64Decode(checksumText);
  if (!salt || salt.length > MAX_SALT_BYTES) return null;
  if (!checksum || checksum.length !== PBKDF2_SHA512_CHECKSUM_BYTES) return null;
  return { rounds, salt, checksum };
}

export function formatPbkdf2Sha512(hash: Pbkdf2Sha512Hash): string {
  return `${PBKDF2_SHA512_PREFIX}${hash.rounds}$${ab64Encode(hash.salt)}$${ab64Encode(hash.checksum)}`;
}

function secretBytes(secret: string): Buffer | null {
  const bytes = Buffer.from(secret, 'utf8');
  return bytes.length > MAX_SECRET_BYTES ? null : bytes;
}

/**
 * True when `secret` matches `stored`. A malformed hash or an oversized secret verifies as false
 * (passlib would raise; for an authentication check "no" is the only safe answer).
 */
export async function verifyPbkdf2Sha512(secret: string, stored: string): Promise<boolean> {
  const parsed = parsePbkdf2Sha512(stored);
  const bytes = secretBytes(secret);
  if (!parsed || !bytes) return false;
  const derived = await pbkdf2Async(bytes, parsed.salt, parsed.rounds, PBKDF2_SHA512_CHECKSUM_BYTES, 'sha512');
  // Both are 64 bytes by construction, so timingSafeEqual cannot throw on a length mismatch.
  return timingSafeEqual(derived, parsed.checksum);
}

export interface HashOptions {
  rounds: number;
  /** Fixed salt, for reproducing known vectors only; a fresh random 16-byte salt otherwise. */
  salt?: Buffer;
}

/** Creates a hash passlib (and therefore Odoo) verifies. */
export async function hashPbkdf2Sha512(secret: string, options: HashOptions): Promise<string> {
  const bytes = secretBytes(secret);
  if (!bytes) throw new RangeError(`secret longer than ${MAX_SECRET_BYTES} bytes`);
  if (!Number.isInteger(options.rounds) || options.rounds < 1 || options.rounds > MAX_ROUNDS) {
    throw new RangeError(`invalid rounds: ${options.rounds}`);
  }
  const salt = options.salt ?? randomBytes(PBKDF2_SHA512_DEFAULT_SALT_BYTES);
  const checksum = await pbkdf2Async(bytes, salt, options.rounds, PBKDF2_SHA512_CHECKSUM_BYTES, 'sha512');
  return formatPbkdf2Sha512({ rounds: options.rounds, salt, checksum });
}
