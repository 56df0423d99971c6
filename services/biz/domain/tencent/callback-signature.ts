import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Tencent Cloud CSS signs each live-event callback (stream push, interruption, recording…) with
 * the callback key set in its console: the JSON body carries `t`, the Unix time (decimal seconds)
 * at which the notification expires, by default 10 minutes after it was sent, and
 * `sign = MD5(key + t)`. A notification past `t` is invalid (the vendor's defence against
 * replays). The signature covers `t` only, not the body: whoever holds one valid notification can
 * change its body until `t`; so callbacks must come over HTTPS, and what a callback may do is
 * bounded by the stream's state machine (a replay changes nothing).
 */
export const CALLBACK_VALIDITY_SECONDS = 600;
/** How far behind CSS's clock ours may run: a `t` more than the validity plus this ahead of us was not set by CSS's default. */
export const CALLBACK_CLOCK_SKEW_SECONDS = 60;

export type CallbackVerdict =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'expired' | 'too-far-ahead' | 'mismatch'; detail: string };

/** `sign = MD5(key + t)`, lower-case hex: what CSS puts in a callback. */
export function callbackSign(key: string, t: number | string): string {
  return createHash('md5').update(`${key}${t}`, 'utf8').digest('hex');
}

/**
 * Checks a callback's `t` and `sign`, in this order: their form, the expiry (refused once
 * now > t, or when t lies further ahead than CSS's validity allows), then the signature against
 * each configured key (two while the key is being rolled), compared in constant time. A verdict
 * never carries a key or the expected signature.
 */
export function verifyCallbackSignature(
  given: { t?: unknown; sign?: unknown },
  keys: readonly string[],
  nowMs: number,
  validitySeconds = CALLBACK_VALIDITY_SECONDS,
): CallbackVerdict {
  const t = typeof given.t === 'number' && Number.isSafeInteger(given.t) && given.t >= 0 ? String(given.t)
    : typeof given.t === 'string' && /^\d{1,15}$/.test(given.t) ? given.t : undefined;
  if (t === undefined) return { ok: false, reason: 'malformed', detail: 'a callback carries t, its expiry in decimal Unix seconds' };
  if (typeof given.sign !== 'string' || !/^[0-9a-fA-F]{32}$/.test(given.sign)) return { ok: false, reason: 'malformed', detail: 'a callback carries sign, 32 hex digits' };
  const nowSeconds = Math.floor(nowMs / 1000);
  const expiresAt = Number(t);
  if (nowSeconds > expiresAt) return { ok: false, reason: 'expired', detail: `the callback expired ${nowSeconds - expiresAt} s ago` };
  if (expiresAt - nowSeconds > validitySeconds + CALLBACK_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'too-far-ahead', detail: `the callback's expiry lies ${expiresAt - nowSeconds} s ahead; at most ${validitySeconds} s are accepted` };
  }
  const presented = Buffer.from(given.sign, 'hex');
  for (const key of keys) {
    if (timingSafeEqual(presented, Buffer.from(callbackSign(key, t), 'hex'))) return { ok: true, expiresAt: new Date(expiresAt * 1000) };
  }
  return { ok: false, reason: 'mismatch', detail: 'the callback signature does not match' };
}
