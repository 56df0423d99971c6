import type pg from 'pg';
import type { OrderCreationPorts } from '../domain/order-creation-saga.ts';
import { legacyPaymentReservation } from '../legacy/legacy-payment-reservation.ts';
import { legacyUserVerification } from '../legacy/legacy-user-verification.ts';
import { tradeOrderPort } from './trade-order-port.ts';

/**
 * The OrderCreationSaga's real owners at this step of the migration: users (auth, M01) and
 * payments (finance, M13) are still the monolith's, reached through trade's legacy adapters;
 * orders are trade's. When auth or finance take their modules over, their ports change here.
 */
export function orderCreationPorts(o: { legacy: pg.Pool; trade: pg.Pool }): OrderCreationPorts {
  return { users: legacyUserVerification(o.legacy, o.trade), orders: tradeOrderPort(o.trade), payments: legacyPaymentReservation(o.legacy) };
}
