import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in a leaked log or a secret scanner, like `ghp_` for GitHub tokens. */
export const REFRESH_TOKEN_PREFIX = 'frt_';
const SHAPE = /^frt_[A-Za-z0-9_-]{43}$/;

/**
 * A refresh token is 256 random bits; only its SHA-256 is stored (`auth_tokens.token_hash`, the
 * column Odoo's hp.auth.token already has), so a copy of the table opens no session. A plain hash
 * is enough here, unlike passwords: the secret has full entropy and nothing to guess.
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOf(token) };
}

/** The stored hash of a presented token; undefined when it cannot be one of ours (no lookup needed). */
export function refreshTokenHash(token: unknown): string | undefined {
  return typeof token === 'string' && SHAPE.test(token) ? hashOf(token) : undefined;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
