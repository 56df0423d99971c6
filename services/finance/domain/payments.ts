import { sql as sqlText } from 'kysely';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import { paymentSuccessEvent, type FinanceEventSink } from './finance-events.ts';
import { FinanceRefused } from './finance-refusal.ts';

/** hp.payment's `method` and `state` selections (hp_payment/models/hp_payment.py). */
export const PAYMENT_METHODS = ['wechat', 'alipay', 'card', 'points'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type PaymentState = 'pending' | 'succeeded' | 'failed' | 'refunded';

/** A payment as the state machine reads it. */
export interface PaymentRecord {
  id: number;
  reference: string | null;
  payerId: number | null;
  amount: string | null;
  method: string;
  state: string;
  sourceModel: string | null;
  sourceId: number | null;
  paidAt: string | null;
}

/** hp.payment's Python defaults: the company currency, WeChat Pay, pending. */
export function paymentDefaults(companyCurrencyId: number | false): { currency_id: number | false; method: PaymentMethod; state: PaymentState } {
  return { currency_id: companyCurrencyId, method: 'wechat', state: 'pending' };
}

/**
 * Where a payment transition reads and writes payments. Each edge enforces access the way its
 * protocol's Odoo counterpart does: over RPC the ORM engine (read ACL, MissingError, read rules
 * when `self` is read; the write ACL and rules on `write`), over REST the kit's access port.
 */
export interface PaymentStore {
  /** The records as `self` sees them (each id once); refuses what the caller may not read. */
  read(ids: readonly number[]): Promise<Map<number, PaymentRecord>>;
  /** `self.write(vals)`: refuses what the caller may not write. */
  write(ids: readonly number[], vals: { state: PaymentState; paid_at?: string }): Promise<void>;
}

/**
 * The documents a payment pays (`payment._source_record()`), wherever they live: a service
 * order in trade's database after M04's cutover, a mall order in the monolith. The edge reaches
 * them the way a client call would (the ORM engine's ModelCaller), as the caller.
 */
export interface PaidDocuments {
  /** Whether `model` is a model of the database at all (`source_model in self.env`). */
  knows(model: string): boolean;
  /** The document's state, undefined when it does not exist (`.exists()` empty). */
  stateOf(model: string, id: number): Promise<string | undefined>;
  /** `source.<method>()`. */
  call(model: string, method: string, id: number): Promise<void>;
}

/**
 * The paid documents that react to a succeeded payment: a service order still
 * `pending_payment` gets `action_mark_paid`; a mall order defines `_hp_on_payment_succeeded`,
 * which pays it while `draft` (its public `action_pay`). No other model has the hook.
 */
export const PAYMENT_SOURCE_REACTIONS: Readonly<Record<string, { whenState: string; call: string }>> = {
  'hp.service.order': { whenState: 'pending_payment', call: 'action_mark_paid' },
  'hp.mall.order': { whenState: 'draft', call: 'action_pay' },
};

export const paymentNotPendingMessage = (reference: string | null, state: string) => `Payment ${reference ?? 'False'} is ${state}, not pending.`;
export const ONLY_PENDING_CAN_FAIL = 'Only pending payments can fail.';
export const ONLY_SUCCEEDED_CAN_BE_REFUNDED = 'Only succeeded payments can be refunded.';

export interface PaymentTransitionRequest {
  ids: readonly number[];
  /** Odoo's `fields.Datetime.now()` of the call, 'YYYY-MM-DD HH:MM:SS' UTC. */
  now: string;
}

/**
 * `hp.payment.action_succeed`, the same for Odoo RPC and REST: `for payment in self` (duplicates
 * included: the second visit of an id finds it succeeded), each must be pending ("Payment REF is
 * STATE, not pending."), becomes succeeded with paid_at; then each one's source is told, and
 * payment_success is published for each, in the caller's transaction.
 *
 * Python tells each source right after its payment's write, all in one transaction. Here the
 * source may be in another database (trade's, after the M04 cutover), so the calls come after
 * every local check and write that can still refuse, and before this transaction commits: a
 * refusal of a source call rolls the payments back and the caller sees that error, as in Odoo.
 * What is left: a source call that went through stays done when a later one or this COMMIT
 * fails; calling action_succeed again repairs it (the payment is pending, so it succeeds, and
 * the order, no longer pending_payment, is left alone). The source calls must not write the
 * payment rows this open transaction holds locked.
 */
export async function succeedPayments(store: PaymentStore, sources: PaidDocuments, events: FinanceEventSink, request: PaymentTransitionRequest): Promise<PaymentRecord[]> {
  const rows = await store.read(request.ids);
  const succeeded: PaymentRecord[] = [];
  for (const id of request.ids) {
    const payment = rows.get(id)!;
    if (payment.state !== 'pending') throw new FinanceRefused('state', paymentNotPendingMessage(payment.reference, payment.state));
    await store.write([id], { state: 'succeeded', paid_at: request.now });
    payment.state = 'succeeded';
    payment.paidAt = request.now;
    succeeded.push(payment);
  }
  for (const payment of succeeded) await notifySource(sources, payment);
  await events.publish(succeeded.map((p) => paymentSuccessEvent({ ...p, paidAt: request.now })));
  return succeeded;
}

/** `payment._source_record()` and its reaction: nothing for an unset, unknown or deleted source. */
async function notifySource(sources: PaidDocuments, payment: PaymentRecord): Promise<void> {
  const model = payment.sourceModel;
  if (!model || !payment.sourceId || !sources.knows(model)) return;
  const reaction = PAYMENT_SOURCE_REACTIONS[model];
  if (!reaction) return;
  if ((await sources.stateOf(model, payment.sourceId)) === reaction.whenState) await sources.call(model, reaction.call, payment.sourceId);
}

/** `hp.payment.action_fail`: every payment must be pending, else "Only pending payments can fail."; then all fail. */
export async function failPayments(store: PaymentStore, request: PaymentTransitionRequest): Promise<PaymentRecord[]> {
  return allOrNothing(store, request, 'pending', 'failed', ONLY_PENDING_CAN_FAIL);
}

/** `hp.payment.action_refund`: every payment must have succeeded, else "Only succeeded payments can be refunded."; then all are refunded. */
export async function refundPayments(store: PaymentStore, request: PaymentTransitionRequest): Promise<PaymentRecord[]> {
  return allOrNothing(store, request, 'succeeded', 'refunded', ONLY_SUCCEEDED_CAN_BE_REFUNDED);
}

async function allOrNothing(store: PaymentStore, request: PaymentTransitionRequest, from: PaymentState, to: PaymentState, refusal: string): Promise<PaymentRecord[]> {
  const rows = await store.read(request.ids);
  if ([...rows.values()].some((p) => p.state !== from)) throw new FinanceRefused('state', refusal);
  if (!rows.size) return [];
  await store.write([...rows.keys()], { state: to });
  return [...rows.values()].map((p) => ({ ...p, state: to }));
}

/** A payments table as read by a PaymentStore over SQL (no access checks: the edge does them). */
export async function readPaymentRows(sql: SqlRunner, ids: readonly number[]): Promise<Map<number, PaymentRecord>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await sql.run(
    build.selectFrom('payments').select(['id', 'reference', 'payer_id', 'amount', 'method', 'state', 'source_model', 'source_id', 'paid_at']).where('id', 'in', unique),
  );
  return new Map(rows.map((r) => [r.id, paymentRecordOf(r)]));
}

export function paymentRecordOf(r: { id: number; reference: string | null; payer_id: number | null; amount: string | number | null; method: string; state: string; source_model: string | null; source_id: number | null; paid_at: string | Date | null }): PaymentRecord {
  return {
    id: r.id, reference: r.reference, payerId: r.payer_id, amount: r.amount === null ? null : String(r.amount), method: r.method, state: r.state,
    sourceModel: r.source_model, sourceId: r.source_id, paidAt: r.paid_at === null ? null : r.paid_at instanceof Date ? r.paid_at.toISOString().slice(0, 19).replace('T', ' ') : r.paid_at,
  };
}

/** What a new payment needs (REST's POST /payments): the rest comes from hp.payment's defaults. */
export interface NewPayment {
  reference: string;
  payerId: number;
  amount: string;
  method?: PaymentMethod;
  sourceModel: string | null;
  sourceId: number | null;
  currencyId: number;
  providerTxnId?: string | null;
}

export const DUPLICATE_REFERENCE_MESSAGE = 'The payment reference must be unique.';

/**
 * Creates a pending payment as `hp.payment.create` would with the addon's defaults, as `uid`.
 * The reference is unique (`payments_reference_uniq`): a duplicate is refused with the
 * constraint's message rather than a database error.
 */
export async function createPayment(sql: SqlRunner, payment: NewPayment, uid: number): Promise<PaymentRecord> {
  const taken = await sql.run(build.selectFrom('payments').select('id').where('reference', '=', payment.reference));
  if (taken.length) throw new FinanceRefused('invalid', DUPLICATE_REFERENCE_MESSAGE);
  const utcNow = sqlText<string>`(now() at time zone 'UTC')`;
  const [row] = await insertRefusingDuplicates(() => sql.run(
    build
      .insertInto('payments')
      .values({
        reference: payment.reference, payer_id: payment.payerId, amount: payment.amount, currency_id: payment.currencyId, method: payment.method ?? 'wechat', state: 'pending',
        source_model: payment.sourceModel, source_id: payment.sourceId, provider_txn_id: payment.providerTxnId ?? null,
        create_uid: uid, write_uid: uid, create_date: utcNow, write_date: utcNow,
      })
      .returning(['id', 'reference', 'payer_id', 'amount', 'method', 'state', 'source_model', 'source_id', 'paid_at']),
  ));
  return paymentRecordOf(row!);
}

/** A concurrent create of the same reference passes the check above and loses at the constraint: the same refusal. */
async function insertRefusingDuplicates<T>(insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'payments_reference_uniq') throw new FinanceRefused('invalid', DUPLICATE_REFERENCE_MESSAGE);
    throw error;
  }
}
