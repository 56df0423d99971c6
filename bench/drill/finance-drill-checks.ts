import type pg from 'pg';
import type { AcceptedDelta, DrillPayment } from './finance-load.ts';

/**
 * What the finance drill checks after its run, on each side: the rows and payments clients were
 * answered with against the database, and the balances they add up to (run-finance-drill.ts).
 */

/** One side's view of the ledger of the drill's users after the drill. */
export interface LedgerCheck {
  side: 'legacy' | 'service';
  /** Accepted rows absent on this side (by id, or by the gift order that wrote them). */
  missing: string[];
  /** Accepted rows present more than once, or rows of drill users no client was told about. */
  extra: string[];
  /** Rows whose delta or user differs from what the client was answered. */
  wrong: string[];
  /** Users whose `balance_after` chain breaks (previous + delta) or goes below zero. */
  brokenChains: string[];
  /** Users whose last balance_after is not their balance before the drill plus the deltas accepted during it. */
  balanceMismatches: string[];
}

export interface PaymentCheck {
  side: 'legacy' | 'service';
  missing: string[];
  duplicated: string[];
  /** Payments whose state is not the one their last accepted step left. */
  wrongState: string[];
}

export interface LedgerBaseline {
  /** Ledger rows up to this id were there before the drill. */
  maxId: number;
  balances: Map<number, number>;
}

export async function ledgerBaseline(legacy: pg.Pool, userIds: number[]): Promise<LedgerBaseline> {
  const { rows: [max] } = await legacy.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM points_transactions');
  const { rows } = await legacy.query<{ user_id: number; balance_after: number }>(
    'SELECT DISTINCT ON (user_id) user_id, balance_after FROM points_transactions WHERE user_id = ANY($1) ORDER BY user_id, id DESC',
    [userIds],
  );
  const balances = new Map(userIds.map((u) => [u, 0]));
  for (const r of rows) balances.set(r.user_id, r.balance_after ?? 0);
  return { maxId: max!.id, balances };
}

interface LedgerRow { id: number; user_id: number; delta: number; balance_after: number; ref_model: string | null; ref_id: number | null }

/**
 * One side's ledger of the drill's users against what the clients were answered: every accepted
 * row once, nothing else written for them since the drill began, and each user's chain of
 * balance_after unbroken and never negative, ending at the balance before plus the accepted deltas.
 */
export async function checkLedger(side: LedgerCheck['side'], pool: pg.Pool, before: LedgerBaseline, accepted: readonly AcceptedDelta[]): Promise<LedgerCheck> {
  const userIds = [...before.balances.keys()];
  const { rows } = await pool.query<LedgerRow>(
    'SELECT id, user_id, delta, balance_after, ref_model, ref_id FROM points_transactions WHERE user_id = ANY($1) AND id > $2 ORDER BY id',
    [userIds, before.maxId],
  );
  const check: LedgerCheck = { side, missing: [], extra: [], wrong: [], brokenChains: [], balanceMismatches: [] };
  const byId = new Map(rows.map((r) => [r.id, r]));
  const giftRows = new Map<number, LedgerRow[]>();
  for (const r of rows) if (r.ref_model === 'hp.gift.order' && r.ref_id !== null) giftRows.set(r.ref_id, [...(giftRows.get(r.ref_id) ?? []), r]);
  const claimed = new Set<number>();
  for (const a of accepted) {
    let row: LedgerRow | undefined;
    if (a.giftOrderId !== undefined) {
      const found = giftRows.get(a.giftOrderId) ?? [];
      if (found.length > 1) check.extra.push(`gift order ${a.giftOrderId}: ${found.length} ledger rows`);
      row = found[0];
    } else row = byId.get(a.id);
    const what = a.giftOrderId !== undefined ? `gift order ${a.giftOrderId} (${a.via})` : `row ${a.id} (${a.via})`;
    if (!row) {
      check.missing.push(what);
      continue;
    }
    if (claimed.has(row.id)) check.extra.push(`${what}: row ${row.id} answered twice`);
    claimed.add(row.id);
    if (row.user_id !== a.userId || row.delta !== a.delta) check.wrong.push(`${what}: user ${row.user_id} delta ${row.delta}, answered user ${a.userId} delta ${a.delta}`);
  }
  for (const r of rows) if (!claimed.has(r.id)) check.extra.push(`row ${r.id} (user ${r.user_id}, delta ${r.delta}, ${r.ref_model ?? '-'}/${r.ref_id ?? '-'}) answered to no client`);
  for (const user of userIds) {
    let balance = before.balances.get(user)!;
    for (const r of rows.filter((x) => x.user_id === user)) {
      if (r.balance_after !== balance + r.delta || r.balance_after < 0) {
        check.brokenChains.push(`user ${user} row ${r.id}: ${balance} ${r.delta >= 0 ? '+' : '−'} ${Math.abs(r.delta)} → balance_after ${r.balance_after}`);
        break;
      }
      balance = r.balance_after;
    }
    const expected = before.balances.get(user)! + accepted.filter((a) => a.userId === user).reduce((s, a) => s + a.delta, 0);
    const last = rows.filter((x) => x.user_id === user).at(-1)?.balance_after ?? before.balances.get(user)!;
    if (last !== expected) check.balanceMismatches.push(`user ${user}: ${last}, expected ${expected}`);
  }
  return check;
}

/**
 * One side's payments of the drill's payers since the drill began against what the clients were
 * answered: each once with its id and the state of its last accepted step, none that no client
 * was told about, no reference twice.
 */
export async function checkPayments(side: PaymentCheck['side'], pool: pg.Pool, before: PaymentBaseline, payments: readonly DrillPayment[]): Promise<PaymentCheck> {
  const { rows } = await pool.query<{ id: number; reference: string; state: string }>(
    'SELECT id, reference, state FROM payments WHERE id > $1 AND payer_id = ANY($2)',
    [before.maxId, before.payerIds],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const check: PaymentCheck = { side, missing: [], duplicated: [], wrongState: [] };
  for (const p of payments) {
    const found = byId.get(p.id);
    if (!found) check.missing.push(`${p.reference} id ${p.id} (${p.via})`);
    else if (found.reference !== p.reference) check.missing.push(`id ${p.id}: reference ${found.reference}, answered ${p.reference}`);
    else if (found.state !== p.state) check.wrongState.push(`${p.reference}: ${found.state}, expected ${p.state}`);
  }
  const answered = new Set(payments.map((p) => p.id));
  for (const r of rows) if (!answered.has(r.id)) check.duplicated.push(`${r.reference} (id ${r.id}): created, answered to no client`);
  const references = new Map<string, number>();
  for (const r of rows) references.set(r.reference, (references.get(r.reference) ?? 0) + 1);
  for (const [reference, count] of references) if (count > 1) check.duplicated.push(`${reference} ×${count}`);
  return check;
}

export interface PaymentBaseline {
  maxId: number;
  payerIds: number[];
}

export async function paymentBaseline(legacy: pg.Pool, payerIds: number[]): Promise<PaymentBaseline> {
  const { rows: [max] } = await legacy.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM payments');
  return { maxId: max!.id, payerIds };
}

/**
 * A succeeded payment leaves its service order paid in the monolith (M04 stays there), unless
 * admin refunded the order (before refunding the payment); a failed or pending one leaves it awaiting payment.
 */
export async function unpaidSources(legacy: pg.Pool, payments: readonly DrillPayment[]): Promise<string[]> {
  const sourced = payments.filter((p) => p.sourceOrderId);
  const { rows } = await legacy.query<{ id: number; state: string }>('SELECT id, state FROM service_orders WHERE id = ANY($1::int4[])', [sourced.map((p) => p.sourceOrderId)]);
  const stateOf = new Map(rows.map((r) => [r.id, r.state]));
  const wrong: string[] = [];
  for (const p of sourced) {
    const expected = p.sourceRefunded ? 'refunded' : p.state === 'succeeded' || p.state === 'refunded' ? 'paid' : 'pending_payment';
    const state = stateOf.get(p.sourceOrderId!);
    if (state !== expected) wrong.push(`order ${p.sourceOrderId} (${p.reference}, payment ${p.state}): ${state ?? 'missing'}, expected ${expected}`);
  }
  return wrong;
}
