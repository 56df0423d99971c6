import { sql } from 'kysely';
import type pg from 'pg';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';
import type { PaymentPort } from '../domain/order-creation-saga.ts';
import { financeNotMigrated, NO_RESERVATION } from './finance-not-migrated.ts';
import { financeOwnership, type FinanceReach } from './finance-reach.ts';

/**
 * The saga's "reserve payment" against its real owner, decided per call: while M13 (hp_payment)
 * is the monolith's, nothing is reserved (finance-not-migrated.ts says why); once finance owns
 * M13, a pending hp.payment for the order, paid by its customer, is reserved in finance's
 * database, once per step key, through finance's own function (finance migration 0003,
 * `finance_reserve_payment`). The owner row of M13 is held FOR SHARE in the same transaction, so
 * a cutover or rollback of M13 waits for the reservation and the reservation for a step in
 * progress: the payment lands on the side that owns payments when it commits.
 *
 * Why the database and not finance's REST API: the kit gives a saga its own pool and the
 * monolith's, not an HTTP client with a token for another service, and in embedded mode finance's
 * database is in the same cluster. The functions are finance's code in finance's database, so
 * trade copies no payment rule.
 *
 * `release` (the step's compensation, run when the reserve gave up after its retries) fails the
 * pending payment made under the reserve key; a key that reserved nothing is marked released, so
 * an attempt still in flight cannot reserve afterwards. When M13 went back to the monolith since
 * (a rollback), the payment lives there now: it is failed there, pending only.
 */
export function financePaymentPort(finance: FinanceReach, legacy: pg.Pool | null): PaymentPort {
  const notMigrated = financeNotMigrated();
  const legacyConfigured = legacy !== null;
  return {
    async reserve(reservation, idempotencyKey) {
      const db = await finance.database();
      if (!db) return notMigrated.reserve(reservation, idempotencyKey);
      return db.transaction().execute(async (tx) => {
        if ((await financeOwnership(tx, { hold: true, legacyConfigured })) === 'legacy') return { reservationId: null, note: NO_RESERVATION };
        // Orders are created in the company currency (create_order): the payment is in the order's.
        const { rows } = await sql<{ id: number | null }>`
          SELECT finance_reserve_payment(${idempotencyKey}, ${reservation.orderId}, ${reservation.customerId}, ${reservation.amount}::numeric, ${COMPANY_CURRENCY.id}) AS id`.execute(tx);
        const id = rows[0]?.id ?? null;
        return id === null ? { reservationId: null, note: 'no reservation: this step was released before it reserved' } : { reservationId: id };
      });
    },
    async release({ reserveKey }, idempotencyKey) {
      const db = await finance.database();
      if (!db) return;
      await db.transaction().execute(async (tx) => {
        const owner = await financeOwnership(tx, { hold: true, legacyConfigured });
        if (owner === 'finance') {
          await sql`SELECT finance_release_payment(${reserveKey}, ${idempotencyKey})`.execute(tx);
          return;
        }
        // The monolith owns payments again: a payment reserved while finance owned them was copied there by the reverse sync.
        const { rows } = await sql<{ payment_id: number | null }>`
          SELECT payment_id FROM payment_reservations WHERE reserve_key = ${reserveKey}`.execute(tx);
        const paymentId = rows[0]?.payment_id;
        if (paymentId && legacy) await legacy.query(`UPDATE payments SET state = 'failed', write_date = now() at time zone 'UTC' WHERE id = $1 AND state = 'pending'`, [paymentId]);
      });
    },
  };
}

