import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { FinanceEventSink } from './finance-events.ts';
import { recordPoints } from './points-entries.ts';
import { lockUserLedgers, type LedgerConnection, type LedgerRow } from './points-ledger.ts';

/** A completed service order as service_completed carries it (schemas/events/service_completed.json). */
export interface CompletedServiceOrder {
  orderId: number;
  customerId: number;
  healthWorkerId: number;
  /** Decimal text (the legacy numeric column). */
  amount: string;
  completedAt: string;
}

/** The document behind an order's points (hp_points' `_hp_after_complete`: ref_model = order._name). */
export const SERVICE_ORDER_MODEL = 'hp.service.order';

/** hp_points' award for a completed order: `int(math.floor(order.amount or 0.0))`. */
export function completionPoints(amount: string | null): number {
  const value = Number(amount ?? 0);
  return Number.isFinite(value) ? Math.floor(value) : 0;
}

/**
 * The points for a completed order, once per order: floor(amount) to the customer, reason
 * `order`, ref hp.service.order/<id>, published as points_awarded, in the caller's transaction.
 * "Once" is read in the ledger itself, under the customer's ledger lock: an order already
 * awarded (by this service on an earlier delivery, or by the monolith before the cut, its row
 * copied here by the sync) gets nothing more. Returns the new row, or null (nothing owed or
 * already awarded).
 *
 * create_uid: the monolith writes the award as the user who completed the order; the event does
 * not say who that was, so the health worker who served it (who completes it, as a rule) is named.
 */
export async function awardCompletionPoints(ledger: LedgerConnection, events: FinanceEventSink, order: CompletedServiceOrder): Promise<LedgerRow | null> {
  const delta = completionPoints(order.amount);
  if (delta <= 0) return null;
  await lockUserLedgers(ledger.sql, [order.customerId]);
  if (await orderAwarded(ledger.sql, order.orderId)) return null;
  const [row] = await recordPoints(ledger, events, [{ userId: order.customerId, delta, reason: 'order', refModel: SERVICE_ORDER_MODEL, refId: order.orderId }], order.healthWorkerId);
  return row ?? null;
}

/** Whether the ledger holds the order's award already (the legacy adapter asks the same of the monolith's ledger). */
export async function orderAwarded(sql: SqlRunner, orderId: number): Promise<boolean> {
  const rows = await sql.run(
    build.selectFrom('points_transactions').select('id').where('ref_model', '=', SERVICE_ORDER_MODEL).where('ref_id', '=', orderId).where('reason', '=', 'order').limit(1),
  );
  return rows.length > 0;
}
