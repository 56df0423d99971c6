import { intArray, textArray } from '../db/array-literals.ts';
import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * ec_impression_events (migration 0003, svc_ec only): the client event id of every impression the
 * REST path recorded, keyed by (campaign_id, event_id). A key is claimed before its impression is
 * admitted; a claim held by a transaction still running makes a concurrent batch carrying the same
 * key wait for it, then skip it (ON CONFLICT DO NOTHING), so a replayed batch is recorded once
 * however the two interleave. Claims are taken in key order, so two batches never wait on each
 * other's keys in a cycle.
 */

export interface LedgerKey {
  campaignId: number;
  eventId: string;
}

export interface LedgerClaim extends LedgerKey {
  /** The ad_impressions id set aside for this impression (drawn from the table's own sequence). */
  impressionId: number;
}

/**
 * Claims the keys not recorded yet; answers the impression ids of the claims that are new (the
 * others are duplicates). One row back for the batch (the ids as one array), not one per key.
 */
export async function claimLedgerKeys(ledger: SqlRunner, claims: readonly LedgerClaim[]): Promise<Set<number>> {
  if (!claims.length) return new Set();
  const [row] = await ledger.raw<{ won: number[] | null }>(
    `WITH claimed AS (
       INSERT INTO ec_impression_events (campaign_id, event_id, impression_id)
       SELECT c, e, i FROM unnest($1::int4[], $2::varchar[], $3::int4[]) AS t(c, e, i) ORDER BY c, e
       ON CONFLICT DO NOTHING
       RETURNING impression_id)
     SELECT array_agg(impression_id) AS won FROM claimed`,
    [intArray(claims.map((c) => c.campaignId)), textArray(claims.map((c) => c.eventId)), intArray(claims.map((c) => c.impressionId))],
  );
  return new Set(row?.won ?? []);
}

/**
 * Gives back the claims of impressions that were not recorded (refused), so a later batch may
 * record them: found by their key (the primary key), never by scanning the ledger.
 */
export async function releaseLedgerClaims(ledger: SqlRunner, claims: readonly LedgerKey[]): Promise<void> {
  if (!claims.length) return;
  await ledger.raw(
    'DELETE FROM ec_impression_events l USING unnest($1::int4[], $2::varchar[]) AS t(c, e) WHERE l.campaign_id = t.c AND l.event_id = t.e',
    [intArray(claims.map((c) => c.campaignId)), textArray(claims.map((c) => c.eventId))],
  );
}

/** The impressions recorded under these keys (for clicks reported later). */
export async function impressionsOfKeys(ledger: SqlRunner, keys: readonly LedgerKey[]): Promise<Map<string, number>> {
  if (!keys.length) return new Map();
  const rows = await ledger.raw<{ campaign_id: number; event_id: string; impression_id: number }>(
    `SELECT l.campaign_id, l.event_id, l.impression_id FROM ec_impression_events l
       JOIN unnest($1::int4[], $2::varchar[]) AS t(c, e) ON l.campaign_id = t.c AND l.event_id = t.e`,
    [intArray(keys.map((k) => k.campaignId)), textArray(keys.map((k) => k.eventId))],
  );
  return new Map(rows.map((r) => [ledgerKeyText(r.campaign_id, r.event_id), r.impression_id]));
}

export function ledgerKeyText(campaignId: number, eventId: string): string {
  return `${campaignId}\u0000${eventId}`;
}
