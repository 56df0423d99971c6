import type { SqlRunner } from '../db/sql-runner.ts';
import type { CompletedServiceOrder } from './completion-points.ts';
import { recomputeSettlementNet } from './settlements.ts';

/**
 * The platform's fee on a coach's (health worker's) settlement: 20 % of gross, rounded to the
 * cent. The monolith has no code for it; its data does: every seeded coach settlement has
 * fee = round(gross × 0.20, 2) over the month's completed orders, a merchant's 5 %
 * (legacy-odoo/seed_data.py, "settlements (M13)"). Completed service orders are paid to coaches,
 * so the coach's rate applies; it is taken on the settlement's whole gross, as the seed did, not
 * summed per order (which could differ by a cent).
 */
export const COACH_FEE_RATE = '0.20';

/** A settlement's period: the calendar month (UTC) the order was completed in, first to last day, as the seeded ones. */
export interface SettlementPeriod {
  start: string;
  end: string;
}

export function settlementPeriodOf(completedAt: string): SettlementPeriod {
  const at = new Date(completedAt);
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

/** Serialises the settlement lines of one payee (two completions cannot open two drafts of one period). */
const SETTLEMENT_LOCK_CLASS = 13;

export interface SettlementLine {
  settlementId: number;
  /** A new draft was opened for the period. */
  opened: boolean;
}

/**
 * A completed order's amount into its coach's settlement, once per order: the payee's draft
 * settlement of the order's month gets gross += amount, fee = round(gross × COACH_FEE_RATE, 2)
 * and the stored net = gross − fee (hp.settlement's `_compute_net`); without a draft for that
 * month (none yet, or it was confirmed already) a new draft is opened. settlement_lines records
 * the order, so a second delivery adds nothing. Returns null when the order was settled before
 * or has no amount. In the caller's transaction; `currencyId` is the company currency (a new
 * draft's default), `uid` its create_uid.
 */
export async function addCompletionToSettlement(sql: SqlRunner, order: CompletedServiceOrder, currencyId: number, uid: number): Promise<SettlementLine | null> {
  if (!(Number(order.amount) > 0)) return null;
  await sql.raw('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [SETTLEMENT_LOCK_CLASS, order.healthWorkerId]);
  const settled = await sql.raw('SELECT 1 FROM settlement_lines WHERE order_id = $1', [order.orderId]);
  if (settled.length) return null;
  const period = settlementPeriodOf(order.completedAt);
  const [draft] = await sql.raw<{ id: number }>(
    `SELECT id FROM settlements WHERE payee_id = $1 AND period_start = $2 AND period_end = $3 AND state = 'draft' ORDER BY id LIMIT 1 FOR UPDATE`,
    [order.healthWorkerId, period.start, period.end],
  );
  let settlementId: number;
  if (draft) {
    settlementId = draft.id;
    await sql.raw(
      `UPDATE settlements SET gross = COALESCE(gross, 0) + $2::numeric, fee = round((COALESCE(gross, 0) + $2::numeric) * $3::numeric, 2),
              write_uid = $4, write_date = now() at time zone 'UTC' WHERE id = $1`,
      [settlementId, order.amount, COACH_FEE_RATE, uid],
    );
  } else {
    const [created] = await sql.raw<{ id: number }>(
      `INSERT INTO settlements (payee_id, currency_id, state, period_start, period_end, gross, fee, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, 'draft', $3, $4, $5::numeric, round($5::numeric * $6::numeric, 2), $7, $7, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
      [order.healthWorkerId, currencyId, period.start, period.end, order.amount, COACH_FEE_RATE, uid],
    );
    settlementId = created!.id;
  }
  await recomputeSettlementNet(sql, [settlementId]);
  await sql.raw('INSERT INTO settlement_lines (order_id, settlement_id, amount, completed_at) VALUES ($1, $2, $3::numeric, $4::timestamptz at time zone \'UTC\')', [order.orderId, settlementId, order.amount, order.completedAt]);
  return { settlementId, opened: !draft };
}
