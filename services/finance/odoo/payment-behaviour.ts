import { recordsMethod, readSelf } from '../../kit/index.ts';
import { companyCurrency, odooNow, userError, updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelCaller, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import {
  failPayments, paymentDefaults, paymentRecordOf, refundPayments, succeedPayments, type PaidDocuments, type PaymentRecord, type PaymentStore,
} from '../domain/payments.ts';
import type { EventsOfCall } from './outbox.ts';

type PaymentRow = Parameters<typeof paymentRecordOf>[0];
const PAYMENT_COLUMNS = ['reference', 'payer_id', 'amount', 'method', 'state', 'source_model', 'source_id', 'paid_at'];

/** The domain's PaymentStore inside an ORM call: reads as `self` (ACL, MissingError, read rules), writes through the engine's `write`. */
function rpcPaymentStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): PaymentStore {
  return {
    read: async (ids) => {
      const rows = await readSelf<PaymentRow>(ctx, behaviours, model, 'payments', ids, PAYMENT_COLUMNS);
      return new Map([...rows].map(([id, row]) => [id, paymentRecordOf(row)]));
    },
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })),
  };
}

/**
 * The paid documents as an Odoo call reaches them: `callModel`, the engine's way to another
 * model's public methods as the caller (the phase-aware dispatch: a service order whose module
 * moved to trade is answered there). Odoo 18's read leaves deleted ids out, so an empty answer
 * is `exists()` coming back empty. Without a caller (an engine built outside the gateway) a
 * payment with a source to tell is refused rather than half done.
 */
function paidDocumentsOf(ctx: CallContext, callModel: ModelCaller | undefined): PaidDocuments {
  const caller: ModelCaller = callModel ?? (async (_ctx, model, method) => {
    throw userError(`Ficus cannot run the business method ${method}() of ${model}: finance's engine was given no way to call other models.`);
  });
  return {
    knows: (model) => ctx.registry.model(model) !== undefined,
    stateOf: async (model, id) => {
      const [row] = (await caller(ctx, model, 'read', [[id], ['state']])) as Array<{ state?: unknown }>;
      return row ? String(row.state) : undefined;
    },
    call: async (model, method, id) => void (await caller(ctx, model, method, [[id]])),
  };
}

/** hp.payment (hp_payment/models/hp_payment.py): defaults and action_succeed / action_fail / action_refund, each the domain's. */
export function paymentBehaviour(behaviours: BehaviourRegistry, options: { events: EventsOfCall; callModel?: ModelCaller }): ModelBehaviour {
  const store = (ctx: CallContext, model: ModelInfo) => rpcPaymentStore(ctx, behaviours, model);
  return {
    defaults: async (ctx) => paymentDefaults(await companyCurrency(ctx)),
    methods: {
      action_succeed: recordsMethod('HpPayment.action_succeed', [], async (ctx, model, ids) => {
        await succeedPayments(store(ctx, model), paidDocumentsOf(ctx, options.callModel), options.events(ctx), { ids, now: odooNow() });
        return true;
      }),
      action_fail: recordsMethod('HpPayment.action_fail', [], async (ctx, model, ids) => {
        await failPayments(store(ctx, model), { ids, now: odooNow() });
        return true;
      }),
      action_refund: recordsMethod('HpPayment.action_refund', [], async (ctx, model, ids) => {
        await refundPayments(store(ctx, model), { ids, now: odooNow() });
        return true;
      }),
    },
  };
}

export type { PaymentRecord };
