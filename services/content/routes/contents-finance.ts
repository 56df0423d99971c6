import { randomBytes } from 'node:crypto';
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
 * Finance as the purchase saga reaches it: hp.payment and hp.points.transaction through the
 * gateway's phase-aware dispatch (PlatformPorts.odoo), so the payment lands wherever M13 lives
 * (the monolith before finance's cutover, svc_finance after) and runs finance's own rules: the
 * buyer creates the payment of the purchase (source hp.content.purchase/<id>, reference
 * PAY-KC-…, as every legacy purchase's payment), the provider's confirmation succeeds it. Paid
 * with points, the buyer's ledger is debited first (reason redeem, ref the payment): hp_points
 * refuses an overdraft, and the pending payment is then failed (a failed attempt stays on record,
 * as the monolith keeps them). Refunding (the saga's compensation) is hp.payment.action_refund,
 * and a points payment's debit is credited back (reason adjust).
 */
export function financeThroughGateway(odoo: OdooCalls): PurchasePayments {
  const call = (uid: number, model: string, method: string, args: unknown[]) => odoo({ uid, model, method, args });
  return {
    async pay({ purchaseId, buyerId, amount, method }) {
      const reference = `PAY-KC-${randomBytes(8).toString('hex').toUpperCase()}`;
      const paymentId = (await call(buyerId, 'hp.payment', 'create', [{
        reference, payer_id: buyerId, amount: Number(amount), method, source_model: PURCHASE_MODEL, source_id: purchaseId,
      }])) as number;
      try {
        if (method === 'points') {
          await call(SYSTEM_UID, 'hp.points.transaction', 'create', [{ user_id: buyerId, delta: -pointsFor(amount), reason: 'redeem', ref_model: 'hp.payment', ref_id: paymentId }]);
        }
        await call(SYSTEM_UID, 'hp.payment', 'action_succeed', [[paymentId]]);
      } catch (error) {
        await call(SYSTEM_UID, 'hp.payment', 'action_fail', [[paymentId]]).catch(() => undefined);
        throw declined(error);
      }
      return { paymentId };
    },
    async refund({ paymentId, buyerId, method, amount }) {
      await call(SYSTEM_UID, 'hp.payment', 'action_refund', [[paymentId]]);
      if (method === 'points') await call(SYSTEM_UID, 'hp.points.transaction', 'create', [{ user_id: buyerId, delta: pointsFor(amount), reason: 'adjust', ref_model: 'hp.payment', ref_id: paymentId }]);
    },
  };
}

/** A refusal of finance's rules (Odoo's user-facing exceptions) is a declined payment with finance's text; anything else stays an error. */
function declined(error: unknown): Error {
  if (error instanceof OdooError && error.exceptionName.startsWith('odoo.exceptions.')) return new PaymentFailed(error.message);
  return error instanceof Error ? error : new Error(String(error));
}
