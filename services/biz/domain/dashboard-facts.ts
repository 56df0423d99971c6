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
 * Serialises everything that changes one owner's dashboards (the facts and the projected rows):
 * events of one owner may be handled concurrently (they have other keys), and a projection must
 * see every fact committed before it. Held until the handling transaction ends.
 */
const DASHBOARD_LOCK_CLASS = 3;

export async function lockOwnerDashboards(sql: SqlRunner, ownerIds: readonly number[]): Promise<void> {
  for (const id of [...new Set(ownerIds)].sort((a, b) => a - b)) await sql.raw('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [DASHBOARD_LOCK_CLASS, id]);
}

/** What is kept of a fact already: the dashboard it counted in (and a rating's order). */
export interface KnownFact {
  ownerId: number;
  period: PeriodDate | null;
  orderId: number | null;
}

export async function knownFact(sql: SqlRunner, fact: Pick<DashboardFact, 'fact' | 'refModel' | 'refId'>): Promise<KnownFact | null> {
  const [row] = await sql.raw<{ owner_id: number; period: string | null; order_id: number | null }>(
    'SELECT owner_id, period::text AS period, order_id FROM dashboard_facts WHERE fact = $1 AND ref_model = $2 AND ref_id = $3',
    [fact.fact, fact.refModel, fact.refId],
  );
  return row ? { ownerId: row.owner_id, period: row.period, orderId: row.order_id } : null;
}

/** The month a completed order counts in, when its completion is known. */
export async function orderMonth(sql: SqlRunner, orderId: number | null | undefined): Promise<DashboardKey | null> {
  if (!orderId) return null;
  const [row] = await sql.raw<{ owner_id: number; period: string }>(
    `SELECT owner_id, period::text AS period FROM dashboard_facts WHERE fact = 'order' AND ref_model = 'hp.service.order' AND ref_id = $1`, [orderId]);
  return row ? { ownerId: row.owner_id, period: row.period } : null;
}

/**
 * Keeps `fact` (replacing `before`, its earlier version) and returns the dashboards whose
 * figures it changes: its own, the one it counted in before when its owner or month changed,
 * and for a rating the months of its order now and before (`ratedOrders`: a rating told before
 * its order counts once the order arrives, the order's projection joining it). The caller holds
 * the dashboard lock of every owner concerned.
 */
export async function recordFact(sql: SqlRunner, fact: DashboardFact, before: KnownFact | null, ratedOrders: readonly (DashboardKey | null)[] = []): Promise<DashboardKey[]> {
  if (before && fact.onlyIfNew) return [];
  await sql.raw(
    `INSERT INTO dashboard_facts (fact, ref_model, ref_id, owner_id, period, occurred_at, amount, party_id, score, order_id, counted)
     VALUES ($1, $2, $3, $4, $5::date, $6::timestamptz AT TIME ZONE 'UTC', $7::numeric, $8, $9, $10, $11)
     ON CONFLICT (fact, ref_model, ref_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, period = EXCLUDED.period, occurred_at = EXCLUDED.occurred_at,
       amount = EXCLUDED.amount, party_id = EXCLUDED.party_id, score = EXCLUDED.score, order_id = EXCLUDED.order_id, counted = EXCLUDED.counted`,
    [fact.fact, fact.refModel, fact.refId, fact.ownerId, fact.period, fact.occurredAt, fact.amount ?? null, fact.partyId ?? null, fact.score ?? null, fact.orderId ?? null, fact.counted ?? true],
  );
  const keys: DashboardKey[] = [];
  const add = (key: { ownerId: number; period: string | null } | null) => {
    if (key?.period && !keys.some((k) => k.ownerId === key.ownerId && k.period === key.period)) keys.push({ ownerId: key.ownerId, period: key.period });
  };
  if (fact.fact === 'rating') {
    ratedOrders.forEach(add);
    return keys;
  }
  add(fact);
  add(before);
  return keys;
}
