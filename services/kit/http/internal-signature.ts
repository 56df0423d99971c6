import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Calls between Ficus's own processes (the gateway and the services it routes to) are signed with
 * a secret they share (FICUS_INTERNAL_SECRET): HMAC-SHA256 over the time, method, path and body.
 * The signed body carries the caller's identity (the uid the gateway authenticated), so a service
 * trusts it because nobody without the secret could have written it, never because of a header a
 * client could set. The time bounds a replay to a short window.
 */
export const INTERNAL_SIGNATURE_HEADER = 'x-ficus-internal-signature';

/** How far a signature's time may be from the receiver's clock (both ways). */
export const INTERNAL_SIGNATURE_WINDOW_MS = 60_000;

/** The shortest secret accepted: 32 bytes' worth of hex or base64 text. */
export const MIN_INTERNAL_SECRET_LENGTH = 32;

function digest(secret: string, time: string, method: string, path: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${time}\n${method.toUpperCase()}\n${path}\n`).update(body).digest('hex');
}

/** The header value for one request: `t=<ms>,v1=<hex>`. */
export function signInternalRequest(secret: string, method: string, path: string, body: Buffer | string, now = Date.now()): string {
  const time = String(now);
  return `t=${time},v1=${digest(secret, time, method, path, body)}`;
}

/** True when `header` signs exactly this request with `secret`, made within the window. */
export function verifyInternalRequest(secret: string, header: string | undefined, method: string, path: string, body: Buffer, now = Date.now()): boolean {
  if (!header) return false;
  const match = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const [, time, given] = match as unknown as [string, string, string];
  if (Math.abs(now - Number(time)) > INTERNAL_SIGNATURE_WINDOW_MS) return false;
  const expected = Buffer.from(digest(secret, time, method, path, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
