import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { defineSaga, SagaRejected, type NewEvent, type SagaDefinition } from '../../kit/index.ts';
import { PaymentFailed, type PurchaseMethod, type PurchasePayments } from './purchase-flow.ts';
import { contentPurchasedEvent, type PurchaseResource } from './purchase-records.ts';

/**
 * Buying a content: a saga across two owners, run by the kit's saga runner (state in
 * svc_content's saga_instances, resumed at start after a crash).
 *
 * 1. record_purchase, on M06's home, inside the REST request's transaction (the runner's
 *    startInTransaction): the content locked, refused when not for sale or already bought, the
 *    purchase inserted as pending (purchased_at empty) and purchase_count recounted; committed
 *    with the saga's row. Its compensation deletes the purchase and recounts.
 * 2. pay, after that commit: finance's payment of the purchase, idempotent by the step's key (the
 *    payment's reference is derived from it, looked up before another is made). A declined
 *    payment is a SagaRejected: record_purchase is compensated, no purchase stays. Its
 *    compensation (a later step gave up) refunds the payment made under its key.
 * 3. confirm_purchase: the purchase marked paid (purchased_at set: only now does it open the
 *    paid body) and content_purchased published, once (the event's id is derived from the key).
 *
 * Whatever point a crash hits, the runner finishes the saga on the next start either way:
 * paid and confirmed, or compensated (refunded, failed and deleted). Never a paid payment
 * without its purchase, nor a purchase without its payment, once the saga has ended.
 */
export const CONTENT_PURCHASE_SAGA = 'content_purchase';
export const RECORD_PURCHASE_STEP = 'record_purchase';
export const PAY_STEP = 'pay';
export const CONFIRM_PURCHASE_STEP = 'confirm_purchase';

export interface ContentPurchaseInput {
  contentId: number;
  buyerId: number;
  method: PurchaseMethod;
}

/** What record_purchase recorded: the purchase (pending) and its content's author. */
export interface PurchaseRecorded {
  purchase: PurchaseResource;
  authorId: number | null;
  /** The buyer's pending purchase left without its saga that this one replaced (domain/orphan-purchases.ts). */
  replacedOrphan?: number;
}

export interface PurchasePaid {
  paymentId: number;
}

export interface ContentPurchasePorts {
  payments: PurchasePayments;
  /** record_purchase in the request's transaction `tx` (on M06's home, with the request's access checks). */
  recordInRequest(tx: Kysely<any>, input: ContentPurchaseInput): Promise<PurchaseRecorded>;
  /** Deletes the purchase and recounts, on M06's home; nothing when it is gone. */
  withdraw(purchase: PurchaseResource): Promise<void>;
  /** Marks the purchase paid on M06's home and writes `event` to svc_content's outbox unless an event with its id is there. */
  confirm(purchase: PurchaseResource, event: (confirmed: PurchaseResource) => NewEvent<'content_purchased'>): Promise<void>;
}

/** A compensation finds the effect by the action's key (retries that ran out may have acted without an output). */
const actionKeyOf = (compensationKey: string) => compensationKey.replace(/:compensation$/, ':action');

/** content_purchased's id for the confirm step's key: the same on every retry, so the outbox holds it once. */
export function purchaseEventIdOf(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function contentPurchaseSaga(ports: ContentPurchasePorts): SagaDefinition<ContentPurchaseInput> {
  const recorded = (outputs: Readonly<Record<string, unknown>>) => outputs[RECORD_PURCHASE_STEP] as PurchaseRecorded;
  return defineSaga<ContentPurchaseInput>({
    name: CONTENT_PURCHASE_SAGA,
    steps: [
      {
        name: RECORD_PURCHASE_STEP,
        // Only a request records a purchase (it holds the buyer's access checks and answers the refusals).
        action: async () => {
          throw new SagaRejected('a content purchase is recorded by the request that makes it');
        },
        inTransaction: (input, _outputs, _key, tx) => ports.recordInRequest(tx, input),
        compensate: async (_input, outputs) => {
          const made = recorded(outputs);
          if (made) await ports.withdraw(made.purchase);
        },
      },
      {
        name: PAY_STEP,
        action: async (input, outputs, key): Promise<PurchasePaid> => {
          const { purchase } = recorded(outputs);
          try {
            return await ports.payments.pay({ purchaseId: purchase.id, buyerId: input.buyerId, amount: purchase.amount, currency: purchase.currency, method: input.method, idempotencyKey: key });
          } catch (error) {
            if (error instanceof PaymentFailed) throw new SagaRejected(error.message);
            throw error;
          }
        },
        compensate: async (input, outputs, key) => {
          const { purchase } = recorded(outputs);
          await ports.payments.refund({ buyerId: input.buyerId, method: input.method, amount: purchase.amount, idempotencyKey: actionKeyOf(key) });
        },
      },
      {
        name: CONFIRM_PURCHASE_STEP,
        action: async (input, outputs, key) => {
          const { purchase, authorId } = recorded(outputs);
          const { paymentId } = outputs[PAY_STEP] as PurchasePaid;
          await ports.confirm(purchase, (confirmed) => ({ ...contentPurchasedEvent(confirmed, authorId, { paymentId, method: input.method }), id: purchaseEventIdOf(key) }));
          return null;
        },
      },
    ],
  });
}
