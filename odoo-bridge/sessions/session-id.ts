import { randomBytes } from 'node:crypto';

/** Odoo 18's format: 84 URL-safe base64 characters (63 random bytes), so no `=` or `;`. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{84}$/;

export function newSessionId(): string {
  return randomBytes(63).toString('base64url');
}

/** A cookie that does not look like a session id is ignored, as Odoo does. */
export function isWellFormedSessionId(value: string | undefined): value is string {
  return value !== undefined && SESSION_ID_PATTERN.test(value);
}
