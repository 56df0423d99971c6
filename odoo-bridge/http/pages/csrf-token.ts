import { createHmac, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';

/** Odoo's default lifetime of a form's token (`csrf_token(time_limit=None)`): a year. */
const TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

/**
 * The CSRF token of a web form, shaped as Odoo's (`<hex hmac>o<expiry>`): an HMAC-SHA1 of the
 * session id and the expiry under the database's `database.secret`, so a token is worth only
 * with the cookie it was made for, until it expires.
 */
export async function csrfToken(pool: pg.Pool, sessionId: string, now = Date.now()): Promise<string> {
  const maxTs = Math.floor(now / 1000) + TOKEN_LIFETIME_SECONDS;
  return `${sign(await databaseSecret(pool), sessionId, maxTs)}o${maxTs}`;
}

/** Odoo's `validate_csrf`: the token must be this session's and not expired. */
export async function isValidCsrfToken(pool: pg.Pool, sessionId: string | undefined, token: unknown, now = Date.now()): Promise<boolean> {
  if (!sessionId || typeof token !== 'string') return false;
  const split = token.lastIndexOf('o');
  const maxTs = Number(token.slice(split + 1));
  if (split < 0 || !Number.isSafeInteger(maxTs) || maxTs < now / 1000) return false;
  const expected = Buffer.from(sign(await databaseSecret(pool), sessionId, maxTs));
  const given = Buffer.from(token.slice(0, split));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sign(secret: string, sessionId: string, maxTs: number): string {
  return createHmac('sha1', secret).update(`${sessionId}${maxTs}`).digest('hex');
}

async function databaseSecret(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ value: string | null }>(`SELECT value FROM ir_config_parameter WHERE key = 'database.secret'`);
  const secret = rows[0]?.value;
  // Odoo creates database.secret at installation; a database without one cannot sign forms.
  if (!secret) throw new Error('the database has no database.secret to sign CSRF tokens with');
  return secret;
}
