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

/** Claims the keys not recorded yet; answers the claims that are new (the others are duplicates). */
export async function claimLedgerKeys(ledger: SqlRunner, claims: readonly LedgerClaim[]): Promise<LedgerClaim[]> {
  if (!claims.length) return [];
  const rows = await ledger.raw<{ campaign_id: number; event_id: string; impression_id: number }>(
    `INSERT INTO ec_impression_events (campaign_id, event_id, impression_id)
     SELECT c, e, i FROM unnest($1::int4[], $2::varchar[], $3::int4[]) AS t(c, e, i) ORDER BY c, e
     ON CONFLICT DO NOTHING
     RETURNING campaign_id, event_id, impression_id`,
    [claims.map((c) => c.campaignId), claims.map((c) => c.eventId), claims.map((c) => c.impressionId)],
  );
  return rows.map((r) => ({ campaignId: r.campaign_id, eventId: r.event_id, impressionId: r.impression_id }));
}

/** Gives back the claims of impressions that were not recorded (refused), so a later batch may record them. */
export async function releaseLedgerClaims(ledger: SqlRunner, impressionIds: readonly number[]): Promise<void> {
  if (!impressionIds.length) return;
  await ledger.raw('DELETE FROM ec_impression_events WHERE impression_id = ANY($1::int4[])', [impressionIds]);
}

/** The impressions recorded under these keys (for clicks reported later). */
export async function impressionsOfKeys(ledger: SqlRunner, keys: readonly LedgerKey[]): Promise<Map<string, number>> {
  if (!keys.length) return new Map();
  const rows = await ledger.raw<{ campaign_id: number; event_id: string; impression_id: number }>(
    `SELECT l.campaign_id, l.event_id, l.impression_id FROM ec_impression_events l
       JOIN unnest($1::int4[], $2::varchar[]) AS t(c, e) ON l.campaign_id = t.c AND l.event_id = t.e`,
    [keys.map((k) => k.campaignId), keys.map((k) => k.eventId)],
  );
  return new Map(rows.map((r) => [ledgerKeyText(r.campaign_id, r.event_id), r.impression_id]));
}

export function ledgerKeyText(campaignId: number, eventId: string): string {
  return `${campaignId}\u0000${eventId}`;
}
