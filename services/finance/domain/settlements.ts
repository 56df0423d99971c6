import type { SqlRunner } from '../db/sql-runner.ts';
import { FinanceRefused } from './finance-refusal.ts';

export type SettlementState = 'draft' | 'confirmed' | 'paid';

export const ONLY_DRAFT_CAN_BE_CONFIRMED = 'Only draft settlements can be confirmed.';
export const ONLY_CONFIRMED_CAN_BE_PAID = 'Only confirmed settlements can be paid.';

/** hp.settlement's Python defaults: the company currency, draft. */
export function settlementDefaults(companyCurrencyId: number | false): { currency_id: number | false; state: SettlementState } {
  return { currency_id: companyCurrencyId, state: 'draft' };
}

/** Where a settlement transition reads and writes (access enforced by the edge, as for payments). */
export interface SettlementStore {
  read(ids: readonly number[]): Promise<Map<number, { id: number; state: string }>>;
  write(ids: readonly number[], vals: { state: SettlementState }): Promise<void>;
}

/** `hp.settlement.action_confirm`: every settlement must be draft, else "Only draft settlements can be confirmed."; then all are confirmed. */
export function confirmSettlements(store: SettlementStore, ids: readonly number[]): Promise<number[]> {
  return transition(store, ids, 'draft', 'confirmed', ONLY_DRAFT_CAN_BE_CONFIRMED);
}

/** `hp.settlement.action_pay`: every settlement must be confirmed, else "Only confirmed settlements can be paid."; then all are paid. */
export function paySettlements(store: SettlementStore, ids: readonly number[]): Promise<number[]> {
  return transition(store, ids, 'confirmed', 'paid', ONLY_CONFIRMED_CAN_BE_PAID);
}

async function transition(store: SettlementStore, ids: readonly number[], from: SettlementState, to: SettlementState, refusal: string): Promise<number[]> {
  const rows = await store.read(ids);
  if ([...rows.values()].some((s) => s.state !== from)) throw new FinanceRefused('state', refusal);
  if (rows.size) await store.write([...rows.keys()], { state: to });
  return [...rows.keys()];
}

/**
 * The stored `net = gross - fee` (`_compute_net`), as a Monetary stores it: rounded to the
 * currency's decimal places (a currency the database does not know leaves it unrounded).
 */
export async function recomputeSettlementNet(sql: SqlRunner, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await sql.raw(
    `UPDATE settlements s
        SET net = COALESCE(round(COALESCE(s.gross, 0) - COALESCE(s.fee, 0), (SELECT c.decimal_places FROM res_currency c WHERE c.id = s.currency_id)),
                           COALESCE(s.gross, 0) - COALESCE(s.fee, 0))
      WHERE s.id = ANY($1::int4[])`,
    [[...ids]],
  );
}
