import type { Kysely } from 'kysely';
import { defineSaga, SagaRejected, type SagaDefinition, type SagaStep } from '../../kit/index.ts';

/**
 * DESIGN §5: order creation across owners. Verify the user (auth/user) → create the order
 * (trade) → reserve the payment (finance). Compensations run backwards: release the payment,
 * cancel the order, lock the user. The steps reach their owners through these ports
 * (saga/order-creation-ports.ts says which owner each is at this point of the migration). Every
 * call carries the step's idempotency key, and each owner does the effect once per key.
 *
 * `POST /trade/service-orders` starts this saga inside its request transaction and runs
 * verify_user and create_order there (the ports' `…In` variants), so the order, its creation key,
 * its order_created event, the saga's row and the idempotency record commit together (the
 * `Location` resolves as soon as the answer arrives) or not at all; reserve_payment runs once
 * that committed.
 */
export interface OrderCreationInput {
  customerId: number;
  serviceId: number;
  /** Defaults to the service's price (hp.service.order's create). */
  amount?: string;
  currency: string;
  note?: string;
}

/** What create_order records: the order, as made. */
export interface OrderCreated {
  orderId: number;
  name: string;
  amount?: string;
}

/** The customer is held for review after an earlier order creation failed past verification: a definite no. */
export class CustomerHeld extends SagaRejected {
  constructor(userId: number) {
    super(`user ${userId} is held for review after a failed order`);
    this.name = 'CustomerHeld';
  }
}

/** Throw SagaRejected for a definite "no" (unknown, inactive or held user). */
export interface UserVerificationPort {
  verify(userId: number, idempotencyKey: string): Promise<{ userId: number }>;
  /** The same check inside the starting transaction `tx` (the service database's). */
  verifyIn?(tx: Kysely<any>, userId: number, idempotencyKey: string): Promise<{ userId: number }>;
  /** DESIGN's compensation of the verification: the account is locked for review after a failed order. */
  lock(userId: number, reason: string, idempotencyKey: string): Promise<void>;
}

export interface OrderPort {
  create(order: OrderCreationInput, idempotencyKey: string): Promise<OrderCreated>;
  /** The same create inside the starting transaction `tx` (the service database's), once per key too. */
  createIn?(tx: Kysely<any>, order: OrderCreationInput, idempotencyKey: string): Promise<OrderCreated>;
  /** Cancels the order made under `createKey`, if there is one; nothing to do otherwise. */
  cancel(order: { createKey: string }, idempotencyKey: string): Promise<void>;
}

/** Throw SagaRejected when the payment is declined. */
export interface PaymentPort {
  /** `reservationId` null: nothing was reserved, `note` says why (see saga/finance-not-migrated.ts). */
  reserve(reservation: { orderId: number; customerId: number; amount: string; currency: string }, idempotencyKey: string): Promise<{ reservationId: number | null; note?: string }>;
  /** Releases the reservation made under `reserveKey`, if there is one; nothing to do otherwise. */
  release(reservation: { reserveKey: string }, idempotencyKey: string): Promise<void>;
}

export interface OrderCreationPorts {
  users: UserVerificationPort;
  orders: OrderPort;
  payments: PaymentPort;
}

export const ORDER_CREATION_SAGA = 'order_creation';

/** The step POST /trade/service-orders runs its request's part through (verify_user, create_order). */
export const ORDER_CREATED_STEP = 'create_order';

/**
 * A compensation finds the effect by the action's key, not by the action's recorded output:
 * when retries ran out, the last attempt may have acted without its output being recorded.
 */
const actionKeyOf = (compensationKey: string) => compensationKey.replace(/:compensation$/, ':action');

export function orderCreationSaga({ users, orders, payments }: OrderCreationPorts): SagaDefinition<OrderCreationInput> {
  const { verifyIn, createIn } = { verifyIn: users.verifyIn?.bind(users), createIn: orders.createIn?.bind(orders) };
  const verifyUser: SagaStep<OrderCreationInput> = {
    name: 'verify_user',
    action: (input, _outputs, key) => users.verify(input.customerId, key),
    compensate: (input, _outputs, key) => users.lock(input.customerId, 'order creation failed after verification', key),
    ...(verifyIn ? { inTransaction: (input: OrderCreationInput, _outputs: unknown, key: string, tx: Kysely<any>) => verifyIn(tx, input.customerId, key) } : {}),
  };
  const createOrder: SagaStep<OrderCreationInput> = {
    name: ORDER_CREATED_STEP,
    action: (input, _outputs, key) => orders.create(input, key),
    compensate: (_input, _outputs, key) => orders.cancel({ createKey: actionKeyOf(key) }, key),
    ...(createIn ? { inTransaction: (input: OrderCreationInput, _outputs: unknown, key: string, tx: Kysely<any>) => createIn(tx, input, key) } : {}),
  };
  return defineSaga<OrderCreationInput>({
    name: ORDER_CREATION_SAGA,
    steps: [
      verifyUser,
      createOrder,
      {
        name: 'reserve_payment',
        action: (input, outputs, key) => {
          const created = outputs[ORDER_CREATED_STEP] as OrderCreated;
          return payments.reserve({ orderId: created.orderId, customerId: input.customerId, amount: created.amount ?? input.amount ?? '0', currency: input.currency }, key);
        },
        compensate: (_input, _outputs, key) => payments.release({ reserveKey: actionKeyOf(key) }, key),
      },
    ],
  });
}
