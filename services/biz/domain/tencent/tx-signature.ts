import { createHash } from 'node:crypto';

/**
 * Tencent Cloud CSS URL authentication ("Push and Playback Authentication"): a push or play URL
 * carries `txSecret=MD5(key + StreamName + txTime)&txTime=<hex>`, where `key` is the domain's
 * authentication key, `StreamName` the stream's name without extension or query, and `txTime`
 * the URL's expiry as Unix seconds in hexadecimal. CSS refuses the URL after txTime, or when the
 * secret does not match. The hex is upper case: CSS hashes the txTime text exactly as sent, so
 * `5C271099` and `5c271099` give different secrets (the vendor's example uses upper case).
 */

/** Stream names CSS accepts in a push path: letters, digits, `_` and `-`. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** `txTime`: the expiry (Unix seconds) as upper-case hexadecimal, e.g. 1546064025 → `5C271099`. */
export function txTimeOf(expiresAtUnixSeconds: number): string {
  if (!Number.isSafeInteger(expiresAtUnixSeconds) || expiresAtUnixSeconds < 0) throw new RangeError('txTime must be a whole, non-negative number of Unix seconds');
  return expiresAtUnixSeconds.toString(16).toUpperCase();
}

/** `txSecret = MD5(key + streamName + txTime)`, lower-case hex as CSS documents it. */
export function txSecret(key: string, streamName: string, txTime: string): string {
  if (!key) throw new RangeError('an authentication key is needed to sign a CSS URL');
  if (!STREAM_NAME.test(streamName)) throw new RangeError('a CSS stream name is 1-128 letters, digits, _ or -');
  return createHash('md5').update(key + streamName + txTime, 'utf8').digest('hex');
}

/** The authentication query of a URL for `streamName` valid until `expiresAtUnixSeconds`: `txSecret=…&txTime=…`. */
export function signedStreamQuery(key: string, streamName: string, expiresAtUnixSeconds: number): string {
  const txTime = txTimeOf(expiresAtUnixSeconds);
  return `txSecret=${txSecret(key, streamName, txTime)}&txTime=${txTime}`;
}

/** Whether `name` can be a CSS stream name (and so be signed and pushed). */
export function isStreamName(name: string): boolean {
  return STREAM_NAME.test(name);
}
