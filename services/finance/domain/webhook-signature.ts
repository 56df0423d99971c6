import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The payment provider signs each webhook delivery: `Payment-Signature: t=<unix seconds>,v1=<hex>`,
 * v1 being HMAC-SHA256 under the shared secret of `<t>.<body bytes>`. Signing the timestamp with
 * the body stops an old, validly signed delivery from being replayed later with a fresh time; the
 * tolerance bounds how old a delivery may be (and how far a clock may run ahead). A provider
 * rolling its secret sends one v1 per secret, so any v1 may match; we may hold the previous
 * secret for the same reason.
 */
export const SIGNATURE_HEADER = 'payment-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureVerdict =
  | { ok: true; signedAt: Date }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch'; detail: string };

/** The hex HMAC-SHA256 of `<timestamp>.<body>` (what the provider computes). */
export function webhookSignature(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header a provider sends for `body` (tests and the provider's stand-ins use it). */
export function webhookSignatureHeader(secret: string, timestamp: number, body: Buffer | string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/**
 * Checks a delivery's header against the body's bytes as received, in this order: the header's
 * form, the timestamp's age (|now − t| ≤ tolerance), then the signature (constant-time compare
 * against each secret). Nothing of the secret or the expected value appears in a verdict.
 */
export function verifyWebhookSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): SignatureVerdict {
  if (!header) return { ok: false, reason: 'malformed', detail: `the ${SIGNATURE_HEADER} header is missing` };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length || value === undefined) return { ok: false, reason: 'malformed', detail: `the ${SIGNATURE_HEADER} header is not t=<unix seconds>,v1=<hex>` };
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return { ok: false, reason: 'malformed', detail: `the ${SIGNATURE_HEADER} header's timestamp is not one whole number of seconds` };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, reason: 'malformed', detail: `a v1 signature of the ${SIGNATURE_HEADER} header is not 64 hex digits` };
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (a future v2) are skipped, as providers document.
  }
  if (timestamp === undefined || !signatures.length) return { ok: false, reason: 'malformed', detail: `the ${SIGNATURE_HEADER} header needs t= and at least one v1=` };
  const ageSeconds = nowMs / 1000 - timestamp;
  if (Math.abs(ageSeconds) > toleranceSeconds) {
    return { ok: false, reason: 'stale', detail: `the delivery was signed ${Math.round(Math.abs(ageSeconds))} s ${ageSeconds >= 0 ? 'ago' : 'ahead of this server\'s clock'}; at most ${toleranceSeconds} s are accepted` };
  }
  for (const secret of secrets) {
    const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
    if (signatures.some((given) => timingSafeEqual(given, expected))) return { ok: true, signedAt: new Date(timestamp * 1000) };
  }
  return { ok: false, reason: 'mismatch', detail: 'the signature does not match the body' };
}
