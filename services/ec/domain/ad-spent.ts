import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * hp.ad.campaign.spent, the stored compute `sum(campaign.impression_ids.mapped('cost'))`
 * (@api.depends('impression_ids.cost')), for the Odoo face on either side of the cut: recomputed
 * from the rows whenever an impression is created, re-costed, moved or deleted, and stored as a
 * Monetary stores it (rounded to the currency's decimals), with write_uid and write_date as Odoo's
 * recompute writes them; a value that does not change is not written. `leaving` are impressions
 * being deleted (their rows are still there).
 *
 * Under the engine's REPEATABLE READ the sum is read from the call's snapshot; a REST batch that
 * changed the campaign after it makes the UPDATE fail to serialize and the engine retries the
 * call on a fresh snapshot, so the sum is never short of a concurrent batch.
 */
export async function recomputeSpent(run: SqlRunner, campaignIds: readonly number[], uid: number, leaving: readonly number[] = []): Promise<void> {
  if (!campaignIds.length) return;
  await run.raw(
    `UPDATE ad_campaigns a
        SET spent = t.spent, write_uid = $3, write_date = (now() at time zone 'UTC')
       FROM (SELECT a2.id,
                    COALESCE(round(s.total, (SELECT c.decimal_places FROM res_currency c WHERE c.id = a2.currency_id)), s.total) AS spent
               FROM ad_campaigns a2
               CROSS JOIN LATERAL (SELECT COALESCE(sum(i.cost), 0) AS total FROM ad_impressions i
                                    WHERE i.campaign_id = a2.id AND NOT (i.id = ANY($2::int4[]))) s
              WHERE a2.id = ANY($1::int4[])) t
      WHERE a.id = t.id AND a.spent IS DISTINCT FROM t.spent`,
    [[...new Set(campaignIds)], [...leaving], uid],
  );
}

/** The campaigns of these impressions. */
export async function campaignsOfImpressions(run: SqlRunner, impressionIds: readonly number[]): Promise<number[]> {
  if (!impressionIds.length) return [];
  const rows = await run.raw<{ campaign_id: number }>('SELECT DISTINCT campaign_id FROM ad_impressions WHERE id = ANY($1::int4[])', [[...impressionIds]]);
  return rows.map((r) => r.campaign_id);
}
