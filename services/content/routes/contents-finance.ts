import { createHash } from 'node:crypto';
import { OdooError } from '../../../odoo-bridge/orm/index.ts';
import type { OdooCalls } from '../../kit/index.ts';
import { PaymentFailed, type PurchasePayments } from '../domain/purchase-flow.ts';

/**
 * OdooBot: the payment provider's confirmation reaches finance as a server-to-server call of the
 * system (finance's payment webhook acts as uid 1 the same way); the buyer creates the payment.
 */
const SYSTEM_UID = 1;
const PURCHASE_MODEL = 'hp.content.purchase';

/** Points a purchase costs: one point per currency unit, rounded up (the inverse of finance's award of floor(amount) points per completed order). */
export const pointsFor = (amount: string) => Math.ceil(Number(amount) - 1e-9);

/**
 * The payment reference of a purchase's pay step: derived from the step's idempotency key (the
 * same on every retry and resume), so hp.payment's unique reference names the one payment that
 * step makes; the legacy shape PAY-KC-<16 hex>.
 */
export const paymentReferenceOf = (idempotencyKey: string) => `PAY-KC-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16).toUpperCase()}`;

interface PaymentRow { id: number; state: 'pending' | 'succeeded' | 'failed' | 'refunded' }

/**
 * Finance as the purchase saga reaches it: hp.payment and hp.points.transaction through the
 * gateway's phase-aware dispatch (PlatformPorts.odoo), so the payment lands wherever M13 lives
 * (the monolith before finance's cutover, svc_finance after) and runs finance's own rules: the
 * buyer creates the payment of the purchase (source hp.content.purchase/<id>), the provider's
 * confirmation succeeds it. Paid with points, the buyer's ledger is debited first (reason
 * redeem, ref the payment): hp_points refuses an overdraft, and the pending payment is then
 * failed (a failed attempt stays on record, as the monolith keeps them). Refunding (the saga's
 * compensation) is hp.payment.action_refund, and a points payment's debit is credited back
 * (reason adjust).
 *
 * Every effect is found before it is made again: the payment by its reference (one per pay step,
 * paymentReferenceOf), its points debit and credit by (ref hp.payment/<id>, reason). So a step
 * the saga runner retries or resumes after a crash at any point continues where the last attempt
 * stopped: it never pays, debits or refunds twice.
 */
export function financeThroughGateway(odoo: OdooCalls): PurchasePayments {
  const call = (uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) => odoo({ uid, model, method, args, ...(kwargs ? { kwargs } : {}) });
  const paymentOf = async (reference: string): Promise<PaymentRow | undefined> =>
    ((await call(SYSTEM_UID, 'hp.payment', 'search_read', [[['reference', '=', reference]]], { fields: ['state'], limit: 1 })) as PaymentRow[])[0];
  const pointsMoved = async (paymentId: number, reason: 'redeem' | 'adjust'): Promise<boolean> =>
    ((await call(SYSTEM_UID, 'hp.points.transaction', 'search_count', [[['ref_model', '=', 'hp.payment'], ['ref_id', '=', paymentId], ['reason', '=', reason]]])) as number) > 0;
  return {
    async pay({ purchaseId, buyerId, amount, method, idempotencyKey }) {
      const reference = paymentReferenceOf(idempotencyKey);
      let payment = await paymentOf(reference);
      if (payment?.state === 'succeeded') return { paymentId: payment.id };
      // An earlier attempt of this step was declined (or refunded by a compensation): the same answer, nothing new paid.
      if (payment && payment.state !== 'pending') throw new PaymentFailed(`Payment ${reference} is ${payment.state}.`);
      payment ??= {
        id: (await call(buyerId, 'hp.payment', 'create', [{ reference, payer_id: buyerId, amount: Number(amount), method, source_model: PURCHASE_MODEL, source_id: purchaseId }])) as number,
        state: 'pending',
      };
      const paymentId = payment.id;
      try {
        if (method === 'points' && !(await pointsMoved(paymentId, 'redeem'))) {
          await call(SYSTEM_UID, 'hp.points.transaction', 'create', [{ user_id: buyerId, delta: -pointsFor(amount), reason: 'redeem', ref_model: 'hp.payment', ref_id: paymentId }]);
        }
        await call(SYSTEM_UID, 'hp.payment', 'action_succeed', [[paymentId]]);
      } catch (error) {
        const refusal = declined(error);
        // Only a definite no fails the payment; an outage leaves it pending for the retry to finish.
        if (refusal instanceof PaymentFailed) await call(SYSTEM_UID, 'hp.payment', 'action_fail', [[paymentId]]).catch(() => undefined);
        throw refusal;
      }
      return { paymentId };
    },
    async refund({ buyerId, method, amount, idempotencyKey }) {
      const payment = await paymentOf(paymentReferenceOf(idempotencyKey));
      if (!payment) return;
      if (payment.state === 'pending') await call(SYSTEM_UID, 'hp.payment', 'action_fail', [[payment.id]]);
      if (payment.state === 'succeeded') await call(SYSTEM_UID, 'hp.payment', 'action_refund', [[payment.id]]);
      // Points come back once, and only if they were taken (a debit without a success, e.g. a crash in between, too).
      if (method === 'points' && (await pointsMoved(payment.id, 'redeem')) && !(await pointsMoved(payment.id, 'adjust'))) {
        await call(SYSTEM_UID, 'hp.points.transaction', 'create', [{ user_id: buyerId, delta: pointsFor(amount), reason: 'adjust', ref_model: 'hp.payment', ref_id: payment.id }]);
      }
    },
  };
}

/** A refusal of finance's rules (Odoo's user-facing exceptions) is a declined payment with finance's text; anything else stays an error. */
function declined(error: unknown): Error {
  if (error instanceof OdooError && error.exceptionName.startsWith('odoo.exceptions.')) return new PaymentFailed(error.message);
  return error instanceof Error ? error : new Error(String(error));
}
