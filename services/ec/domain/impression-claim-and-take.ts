import { intArray, numericArray, textArray } from '../db/array-literals.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { LedgerClaim } from './impression-ledger.ts';
import type { CampaignShare } from './impression-rows.ts';

/**
 * After M10's cutover the ledger and the impressions are in one database and one transaction, so
 * a batch's three steps after its insert run as one statement: claim the keys (impression-ledger's
 * claim), delete the impressions whose key was taken already (duplicates), and let every campaign
 * whose whole share of the claimed impressions fits take it (impression-rows's
 * addWholeSharesThatFit, same conditions, same id-ordered locks). A batch waiting on a concurrent
 * batch's claim of the same key (a replay racing its original) then has one statement and its
 * commit left once that batch ends, instead of three round trips: this wait is what serialises
 * concurrent batches, so its tail is kept short. Before cutover the steps stay separate (the
 * ledger is svc_ec's, the rows the monolith's).
 */
export interface ClaimAndTake {
  /** Impression ids whose key this batch took. */
  won: Set<number>;
  /** Campaigns that took their whole share of the won impressions. */
  taken: Set<number>;
}

export async function claimAndTakeWholeShares(
  run: SqlRunner,
  claims: readonly LedgerClaim[],
  /** Per claim, its impression's cost (numeric text). */
  costs: readonly string[],
  /** The facts each campaign's costs were priced with (`added` is not used: the share is summed from the won claims). */
  campaigns: readonly Omit<CampaignShare, 'added'>[],
  uid: number,
): Promise<ClaimAndTake> {
  if (!claims.length) return { won: new Set(), taken: new Set() };
  const [row] = await run.raw<{ won: number[] | null; taken: number[] | null }>(
    `WITH claimed AS (
       INSERT INTO ec_impression_events (campaign_id, event_id, impression_id)
       SELECT c, e, i FROM unnest($1::int4[], $2::varchar[], $3::int4[]) AS t(c, e, i) ORDER BY c, e
       ON CONFLICT DO NOTHING
       RETURNING campaign_id, impression_id),
     duplicates AS (
       DELETE FROM ad_impressions WHERE id = ANY($3::int4[]) AND id NOT IN (SELECT impression_id FROM claimed)),
     shares AS (
       SELECT c.campaign_id AS id, sum(t.cost) AS added
         FROM claimed c JOIN unnest($3::int4[], $4::numeric[]) AS t(i, cost) ON t.i = c.impression_id
        GROUP BY c.campaign_id),
     locked AS MATERIALIZED (
       SELECT a.id FROM ad_campaigns a WHERE a.id IN (SELECT id FROM shares) ORDER BY a.id FOR NO KEY UPDATE OF a),
     taken AS (
       UPDATE ad_campaigns a SET spent = COALESCE(a.spent, 0) + s.added, write_uid = $8, write_date = (now() at time zone 'UTC')
         FROM shares s, locked l, unnest($5::int4[], $6::int4[], $7::numeric[]) AS d(id, currency_id, bid_cost)
        WHERE l.id = s.id AND d.id = s.id AND a.id = s.id AND a.state = 'running' AND a.currency_id = d.currency_id
          AND (a.bid_cpm::numeric / 1000) IS NOT DISTINCT FROM d.bid_cost
          AND COALESCE(a.spent, 0) < COALESCE(a.budget, 0) AND COALESCE(a.spent, 0) + s.added <= COALESCE(a.budget, 0)
        RETURNING a.id)
     SELECT (SELECT array_agg(impression_id) FROM claimed) AS won, (SELECT array_agg(id) FROM taken) AS taken`,
    [
      intArray(claims.map((c) => c.campaignId)), textArray(claims.map((c) => c.eventId)), intArray(claims.map((c) => c.impressionId)), numericArray(costs),
      intArray(campaigns.map((c) => c.campaignId)), intArray(campaigns.map((c) => c.currencyId)), textArray(campaigns.map((c) => c.bidCost)), uid,
    ],
  );
  return { won: new Set(row?.won ?? []), taken: new Set(row?.taken ?? []) };
}
