import type { SqlRunner } from '../db/sql-runner.ts';
import type { PeriodDate } from './dashboard-period.ts';

/**
 * One business fact a workbench figure counts, as an event told it, keyed by the record it is
 * about (`refModel`/`refId`), so a later event about the same record replaces it instead of
 * adding to it:
 * - order: a completed service order of the health worker (`amount`, the customer as `partyId`);
 * - rating: a rating of the coach (`score`), counted in the month of its rated order (`orderId`);
 * - live: a stream the host started in the month; `counted` once it ended, `amount` its takings;
 * - member: a membership of one of the owner's groups joined in the month; `counted` while active;
 * - gift: a gift sent to the host during a live stream (`amount` = points spent);
 * - reported:<kind>: an activity reported through POST /biz/performance (biz_activity).
 */
export type FactKind = 'order' | 'rating' | 'live' | 'member' | 'gift' | `reported:${string}`;

export interface DashboardFact {
  fact: FactKind;
  refModel: string;
  refId: number;
  ownerId: number;
  /** The month the fact counts in; null for a rating (it counts in its order's month). */
  period: PeriodDate | null;
  /** RFC 3339. */
  occurredAt: string | null;
  amount?: string | null;
  partyId?: number | null;
  score?: number | null;
  orderId?: number | null;
  counted?: boolean;
  /** Kept only when no version of the fact is known yet (a stream's start never undoes its end, told first by another path). */
  onlyIfNew?: boolean;
}

/** A dashboard to project again: the owner's month. */
export interface DashboardKey {
  ownerId: number;
  period: PeriodDate;
}

/**
 * Serialises the projections of one owner's dashboards (domain/dashboard-projection.ts): a
 * projection computes a month from every fact committed before it took the lock, so the last
 * projection of a month always writes its latest figures. Held until the projecting transaction
 * ends; taken in owner order, so two projections never wait on each other in a cycle. Handlers
 * take no lock: they only add facts and dirty marks.
 */
const DASHBOARD_LOCK_CLASS = 3;

export async function lockOwnerDashboards(sql: SqlRunner, ownerIds: readonly number[]): Promise<void> {
  for (const id of [...new Set(ownerIds)].sort((a, b) => a - b)) await sql.raw('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [DASHBOARD_LOCK_CLASS, id]);
}

/**
 * Keeps `fact`, replacing its earlier version, and marks dirty the months it changes: its own
 * and the one it counted in before when its owner or month changed; for a rating, its order's
 * month now and before (by the order: known once the order's completion is). One statement (a
 * handler's round trips are what bounds the bus's throughput): the earlier version is read from
 * the statement's snapshot, so the marks name what the row held before this change.
 */
export async function recordFact(sql: SqlRunner, fact: DashboardFact): Promise<void> {
  await sql.raw(
    `WITH before AS (SELECT owner_id, period, order_id FROM dashboard_facts WHERE fact = $1 AND ref_model = $2 AND ref_id = $3),
     kept AS (
       INSERT INTO dashboard_facts (fact, ref_model, ref_id, owner_id, period, occurred_at, amount, party_id, score, order_id, counted)
       SELECT $1, $2, $3, $4, $5::date, $6::timestamptz AT TIME ZONE 'UTC', $7::numeric, $8, $9, $10, $11
        WHERE NOT ($12::boolean AND EXISTS (SELECT 1 FROM before))
       ON CONFLICT (fact, ref_model, ref_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, period = EXCLUDED.period, occurred_at = EXCLUDED.occurred_at,
         amount = EXCLUDED.amount, party_id = EXCLUDED.party_id, score = EXCLUDED.score, order_id = EXCLUDED.order_id, counted = EXCLUDED.counted
       RETURNING fact, owner_id, period, order_id)
     INSERT INTO dashboard_dirty (owner_id, period, order_id)
     SELECT k.owner_id, k.period, NULL::int4 FROM kept k WHERE k.fact <> 'rating'
     UNION ALL SELECT b.owner_id, b.period, NULL::int4 FROM before b, kept k
      WHERE k.fact <> 'rating' AND b.period IS NOT NULL AND (b.owner_id, b.period) IS DISTINCT FROM (k.owner_id, k.period)
     UNION ALL SELECT NULL::int4, NULL::date, k.order_id FROM kept k WHERE k.fact = 'rating' AND k.order_id IS NOT NULL
     UNION ALL SELECT NULL::int4, NULL::date, b.order_id FROM before b, kept k WHERE k.fact = 'rating' AND b.order_id IS NOT NULL AND b.order_id IS DISTINCT FROM k.order_id`,
    [fact.fact, fact.refModel, fact.refId, fact.ownerId, fact.period, fact.occurredAt, fact.amount ?? null, fact.partyId ?? null, fact.score ?? null, fact.orderId ?? null, fact.counted ?? true, fact.onlyIfNew ?? false],
  );
}

/**
 * Takes up to `limit` dirty marks no other projection holds (FOR UPDATE SKIP LOCKED), deleting
 * them in the caller's transaction (they come back if it rolls back), and resolves them into the
 * months to project: an order's mark becomes its completion month when that is known (else the
 * order's own projection, later, includes the rating).
 */
export async function claimDirtyMonths(sql: SqlRunner, limit: number): Promise<{ keys: DashboardKey[]; claimed: number }> {
  const rows = await sql.raw<{ owner_id: number | null; period: string | null; order_id: number | null }>(
    `DELETE FROM dashboard_dirty WHERE id IN (SELECT id FROM dashboard_dirty ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING owner_id, period::text AS period, order_id`,
    [limit],
  );
  const keys = new Map<string, DashboardKey>();
  const add = (ownerId: number, period: string) => keys.set(`${ownerId}/${period}`, { ownerId, period });
  const orders = new Set<number>();
  for (const row of rows) {
    if (row.order_id !== null) orders.add(row.order_id);
    else if (row.owner_id !== null && row.period !== null) add(row.owner_id, row.period);
  }
  if (orders.size) {
    const months = await sql.raw<{ owner_id: number; period: string }>(
      `SELECT DISTINCT owner_id, period::text AS period FROM dashboard_facts WHERE fact = 'order' AND ref_model = 'hp.service.order' AND ref_id = ANY($1::int4[])`, [[...orders]]);
    for (const m of months) add(m.owner_id, m.period);
  }
  return { keys: [...keys.values()], claimed: rows.length };
}
