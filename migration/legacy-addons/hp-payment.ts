import { userError } from '../../odoo-bridge/errors.ts';
import type { CallContext } from '../../odoo-bridge/orm/call-context.ts';
import type { MethodSpec } from '../../odoo-bridge/orm/methods/method.ts';
import type { BehaviourRegistry, ModelCaller } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { updateRecords } from '../../odoo-bridge/orm/write/record-writes.ts';
import { companyCurrency, odooNow } from '../../odoo-bridge/orm/write/env-values.ts';
import { pyStr, readSelf, recordsMethod, writeEnv } from './odoo-self.ts';

interface PaymentRow {
  id: number;
  reference: string | null;
  state: string;
  source_model: string | null;
  source_id: number | null;
}

/**
 * The paid documents that react to a succeeded payment (hp_payment `action_succeed`): a service
 * order still `pending_payment` gets `action_mark_paid`; a mall order defines
 * `_hp_on_payment_succeeded`, which pays it while `draft`. No other model has the hook.
 */
const PAYMENT_SOURCES: Readonly<Record<string, { whenState: string; call: string }>> = {
  'hp.service.order': { whenState: 'pending_payment', call: 'action_mark_paid' },
  'hp.mall.order': { whenState: 'draft', call: 'action_pay' },
};

/**
 * hp_payment (M13, hp_payment/models/hp_payment.py) for the legacy side's engine while finance
 * has not taken the module over: hp.payment's defaults and state machine, hp.settlement's
 * defaults, stored `net` and state machine. The paid document may live in another module, and
 * after a cutover in another service (hp.service.order → trade): `callModel` reaches it the way
 * a client call would.
 */
export function registerHpPayment(behaviours: BehaviourRegistry, ports: { callModel: ModelCaller }): BehaviourRegistry {
  const transition = (qualname: string, from: string, to: string, refusal: string): MethodSpec =>
    recordsMethod(qualname, async (ctx, model, ids) => {
      const w = writeEnv(ctx, behaviours);
      const rows = await readSelf<{ id: number; state: string }>(w, model, ids, ['state']);
      if ([...rows.values()].some((r) => r.state !== from)) throw userError(refusal);
      await updateRecords(w, model, ids, { state: to });
      return true;
    });

  behaviours.register('hp.payment', {
    defaults: async (ctx) => ({ currency_id: await companyCurrency(ctx), method: 'wechat', state: 'pending' }),
    methods: {
      action_succeed: recordsMethod('HpPayment.action_succeed', async (ctx, model, ids) => {
        const w = writeEnv(ctx, behaviours);
        const rows = await readSelf<PaymentRow>(w, model, ids, ['reference', 'state', 'source_model', 'source_id']);
        const succeeded: PaymentRow[] = [];
        // `for payment in self`, duplicates included: the second visit of an id sees it succeeded.
        for (const id of ids) {
          const payment = rows.get(id)!;
          if (payment.state !== 'pending') throw userError(`Payment ${pyStr(payment.reference)} is ${payment.state}, not pending.`);
          await updateRecords(w, model, [id], { state: 'succeeded', paid_at: odooNow() });
          payment.state = 'succeeded';
          succeeded.push(payment);
        }
        // Python tells each source right after its payment's write, all in one transaction. Here
        // the source may be in another database (trade's, after the M04 cutover; before it, or
        // after a rollback, the call is still a transaction of its own on the legacy database),
        // so the calls come after every local check and write that can still refuse, and before
        // this transaction commits: a refusal or failure of a source call rolls the payments
        // back, and the client sees that error, as in Odoo. (With several payments, a source's
        // refusal is therefore reported after every payment's own checks rather than between
        // them.) A retry of this transaction re-runs the source calls too; one that already went
        // through is then skipped, its document no longer in the triggering state. What is left: a source call that went through
        // stays done when a later source call fails or the payment COMMIT itself fails (lost
        // connection, crash) — the order is paid, its payment still pending. Calling
        // action_succeed again repairs it: the payment is pending, so it succeeds, and the order,
        // no longer pending_payment, is left alone. The source calls must not write the payment
        // rows this open transaction holds locked: they would wait for it on another connection
        // while it waits for them, a deadlock PostgreSQL cannot see.
        for (const payment of succeeded) await notifySource(ctx, ports.callModel, payment);
        return true;
      }),
      action_fail: transition('HpPayment.action_fail', 'pending', 'failed', 'Only pending payments can fail.'),
      action_refund: transition('HpPayment.action_refund', 'succeeded', 'refunded', 'Only succeeded payments can be refunded.'),
    },
  });

  behaviours.register('hp.settlement', {
    defaults: async (ctx) => ({ currency_id: await companyCurrency(ctx), state: 'draft' }),
    compute: {
      // `net = gross - fee`, as a Monetary stores it: rounded to the currency's decimals.
      net: async (ctx, ids) => {
        await ctx.db.query(
          `UPDATE settlements s
              SET net = COALESCE(round(COALESCE(s.gross, 0) - COALESCE(s.fee, 0), (SELECT c.decimal_places FROM res_currency c WHERE c.id = s.currency_id)),
                                 COALESCE(s.gross, 0) - COALESCE(s.fee, 0))
            WHERE s.id = ANY($1::int4[])`,
          [ids],
        );
      },
    },
    methods: {
      action_confirm: transition('HpSettlement.action_confirm', 'draft', 'confirmed', 'Only draft settlements can be confirmed.'),
      action_pay: transition('HpSettlement.action_pay', 'confirmed', 'paid', 'Only confirmed settlements can be paid.'),
    },
  });
  return behaviours;
}

/**
 * `payment._source_record()` and its reaction: nothing when the source is unset, of an unknown
 * model or deleted (`exists()`); otherwise its state is read, and the method called, as the
 * payment's user through `callModel`.
 */
async function notifySource(ctx: CallContext, callModel: ModelCaller, payment: PaymentRow): Promise<void> {
  const model = payment.source_model;
  if (!model || !payment.source_id || !ctx.registry.model(model)) return;
  const reaction = PAYMENT_SOURCES[model];
  if (!reaction) return;
  // Odoo 18's read leaves deleted ids out: an empty answer is `exists()` coming back empty.
  const [source] = (await callModel(ctx, model, 'read', [[payment.source_id], ['state']])) as Array<{ state: unknown }>;
  if (source?.state === reaction.whenState) await callModel(ctx, model, reaction.call, [[payment.source_id]]);
}
