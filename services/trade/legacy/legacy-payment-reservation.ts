import { createHash } from 'node:crypto';
import type pg from 'pg';
import { SagaRejected } from '../../kit/index.ts';
import type { PaymentPort } from '../domain/order-creation-saga.ts';

/** One reference per reservation key: payments.reference is unique, so a retried reserve finds its row. */
export const reservationReference = (key: string) => `RSV-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;

/**
 * The saga's "reserve payment" while payments (M13, finance) are still the monolith's: a
 * pending hp.payment row for the order in the legacy table, as hp_payment creates one before
 * the provider answers; release turns it failed (`action_fail`: only pending payments can
 * fail). A currency the legacy side does not know, or a non-positive amount, is a definite no.
 */
export function legacyPaymentReservation(legacy: pg.Pool): PaymentPort {
  return {
    async reserve(r, idempotencyKey) {
      if (!(Number(r.amount) > 0)) throw new SagaRejected(`amount ${r.amount} cannot be reserved`);
      const currency = await legacy.query<{ id: number }>('SELECT id FROM res_currency WHERE name = $1 AND active', [r.currency]);
      if (!currency.rows[0]) throw new SagaRejected(`currency ${r.currency} is not accepted by the payment module`);
      const reference = reservationReference(idempotencyKey);
      const { rows } = await legacy.query<{ id: number }>(
        `INSERT INTO payments (reference, payer_id, currency_id, amount, method, state, source_model, source_id, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, $3, $4, 'wechat', 'pending', 'hp.service.order', $5, $2, $2, now() at time zone 'UTC', now() at time zone 'UTC')
         ON CONFLICT (reference) DO UPDATE SET reference = EXCLUDED.reference RETURNING id`,
        [reference, r.customerId, currency.rows[0].id, r.amount, r.orderId],
      );
      return { reservationId: rows[0]!.id };
    },
    async release({ reserveKey }) {
      await legacy.query(`UPDATE payments SET state = 'failed', write_date = now() at time zone 'UTC' WHERE reference = $1 AND state = 'pending'`, [reservationReference(reserveKey)]);
    },
  };
}
