import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { problems } from './problem.ts';
import type { RouteResult } from '../define-service.ts';

/** How long a stored response is replayed (the draft leaves it to the server; 24 h like most APIs). */
const RETENTION = '24 hours';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) inside the request's transaction:
 * a transaction-scoped advisory lock on (principal, key) makes a concurrent duplicate fail fast
 * with 409; a stored response with the same fingerprint is replayed; the same key with another
 * request is 422. The response is stored in the transaction that holds the effects, so a crash
 * can never leave effects without their record (or a record without effects).
 */
export async function withIdempotency(
  tx: Kysely<any>,
  request: { principal: string; key: string; method: string; path: string; body: unknown },
  run: () => Promise<RouteResult>,
): Promise<RouteResult & { replayed?: boolean }> {
  if (!KEY_PATTERN.test(request.key)) throw problems.badRequest('Idempotency-Key must be 1–255 visible ASCII characters');
  const fingerprint = createHash('sha256').update(`${request.method} ${request.path}\n${canonicalJson(request.body)}`).digest('hex');
  const lockName = `idempotency:${request.principal}:${request.key}`;
  const { rows: locked } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) AS ok`.execute(tx);
  if (!locked[0]?.ok) {
    throw problems.conflict('a request with this Idempotency-Key is still being processed; retry later', 'https://ficus.dev/problems/idempotency-key-in-use');
  }
  const { rows } = await sql<{ fingerprint: string; status: number; headers: Record<string, string>; body: string | null }>`
    SELECT fingerprint, status, headers, body FROM idempotency_keys
     WHERE principal = ${request.principal} AND key = ${request.key} AND expires_at > now()`.execute(tx);
  const stored = rows[0];
  if (stored) {
    if (stored.fingerprint !== fingerprint) {
      throw problems.unprocessable('this Idempotency-Key was already used with a different request', 'https://ficus.dev/problems/idempotency-key-reused');
    }
    return { status: stored.status, headers: stored.headers, body: stored.body === null ? undefined : JSON.parse(stored.body), replayed: true };
  }
  const result = await run();
  if (result.status < 500) {
    await sql`INSERT INTO idempotency_keys (principal, key, fingerprint, status, headers, body, expires_at)
      VALUES (${request.principal}, ${request.key}, ${fingerprint}, ${result.status}, ${JSON.stringify(result.headers ?? {})}::jsonb,
              ${result.body === undefined ? null : JSON.stringify(result.body)}, now() + ${RETENTION}::interval)
      ON CONFLICT (principal, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, headers = EXCLUDED.headers,
        body = EXCLUDED.body, created_at = now(), expires_at = EXCLUDED.expires_at`.execute(tx);
  }
  return result;
}

/** Deletes expired records; the runtime calls it now and then. */
export async function purgeExpiredIdempotencyKeys(db: Kysely<any>): Promise<number> {
  const result = await sql`DELETE FROM idempotency_keys WHERE expires_at <= now()`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Same JSON whatever the key order, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
