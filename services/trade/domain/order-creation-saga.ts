import { defineSaga, type SagaDefinition } from '../../kit/index.ts';

/**
 * DESIGN §5: order creation across owners. Verify the user (auth/user) → create the order
 * (trade) → reserve the payment (finance). Compensations run backwards: release the payment,
 * cancel the order, lock the user. The steps reach their owners through these ports; the
 * trade-service issue wires them to REST calls or the bridge. Every call carries the step's
 * idempotency key, and each owner must do the effect once per key.
 */
export interface OrderCreationInput {
  customerId: number;
  serviceId: number;
  amount: string;
  currency: string;
  note?: string;
}

/** Throw SagaRejected for a definite "no" (unknown, inactive or locked user). */
export interface UserVerificationPort {
  verify(userId: number, idempotencyKey: string): Promise<{ userId: number }>;
  /** DESIGN's compensation of the verification: the account is locked for review after a failed order. */
  lock(userId: number, reason: string, idempotencyKey: string): Promise<void>;
}

export interface OrderPort {
  create(order: OrderCreationInput, idempotencyKey: string): Promise<{ orderId: number; name: string }>;
  /** Cancels the order made under `createKey`, if there is one; nothing to do otherwise. */
  cancel(order: { createKey: string }, idempotencyKey: string): Promise<void>;
}

/** Throw SagaRejected when the payment is declined. */
export interface PaymentPort {
  reserve(reservation: { orderId: number; customerId: number; amount: string; currency: string }, idempotencyKey: string): Promise<{ reservationId: number }>;
  /** Releases the reservation made under `reserveKey`, if there is one; nothing to do otherwise. */
  release(reservation: { reserveKey: string }, idempotencyKey: string): Promise<void>;
}

export interface OrderCreationPorts {
  users: UserVerificationPort;
  orders: OrderPort;
  payments: PaymentPort;
}

export const ORDER_CREATION_SAGA = 'order_creation';

/**
 * A compensation finds the effect by the action's key, not by the action's recorded output:
 * when retries ran out, the last attempt may have acted without its output being recorded.
 */
const actionKeyOf = (compensationKey: string) => compensationKey.replace(/:compensation$/, ':action');

export function orderCreationSaga({ users, orders, payments }: OrderCreationPorts): SagaDefinition<OrderCreationInput> {
  return defineSaga<OrderCreationInput>({
    name: ORDER_CREATION_SAGA,
    steps: [
      {
        name: 'verify_user',
        action: (input, _outputs, key) => users.verify(input.customerId, key),
        compensate: (input, _outputs, key) => users.lock(input.customerId, 'order creation failed after verification', key),
      },
      {
        name: 'create_order',
        action: (input, _outputs, key) => orders.create(input, key),
        compensate: (_input, _outputs, key) => orders.cancel({ createKey: actionKeyOf(key) }, key),
      },
      {
        name: 'reserve_payment',
        action: (input, outputs, key) => {
          const { orderId } = outputs.create_order as { orderId: number };
          return payments.reserve({ orderId, customerId: input.customerId, amount: input.amount, currency: input.currency }, key);
        },
        compensate: (_input, _outputs, key) => payments.release({ reserveKey: actionKeyOf(key) }, key),
      },
    ],
  });
}
