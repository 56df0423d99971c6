import type { PaymentPort } from '../domain/order-creation-saga.ts';

export const NO_RESERVATION = 'no reservation: finance (M13) not yet migrated';

/**
 * The saga's "reserve payment" until the finance service exists. Payments (M13, hp.payment) are
 * still the monolith's, and there an order is paid later, by the customer (hp.payment created by
 * the payment flow, `action_succeed` marking the order paid): creating an order writes no payment,
 * over RPC or REST. So the step reserves nothing and says so in its recorded output (the saga's
 * row, saga_instances.outputs.reserve_payment); it never writes an hp.payment, and never refuses,
 * so there is nothing to release. finance-payment-port.ts answers this way for as long as the
 * monolith owns M13, and reserves in finance once finance does.
 */
export function financeNotMigrated(): PaymentPort {
  return {
    reserve: async () => ({ reservationId: null, note: NO_RESERVATION }),
    release: async () => undefined,
  };
}
