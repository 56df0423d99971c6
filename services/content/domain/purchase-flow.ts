import { ContentRefused } from './content-refusal.ts';
import { contentPurchasedEvent, type PurchaseResource } from './purchase-records.ts';
import type { KnowledgeEventSink } from './content-events.ts';

export const PURCHASE_METHODS = ['wechat', 'alipay', 'card', 'points'] as const;
export type PurchaseMethod = (typeof PURCHASE_METHODS)[number];

/** hp_knowledge's `content_buyer_uniq` message: a buyer buys a content once. */
export const ALREADY_PURCHASED = 'This content was already purchased by this user.';
export const NOT_PUBLISHED = 'Only published content can be purchased.';
export const NOTHING_TO_PAY = 'This content is free: there is nothing to purchase.';

/** What a purchase reads of its content, locked for the request (purchases of one content take turns). */
export interface LockedContent {
  id: number;
  title: string;
  price: string | null;
  currencyId: number;
  published: boolean;
  authorId: number | null;
}

/**
 * M06's rows for one purchase, on the module's home in the request's transaction: the content
 * locked, the caller's earlier purchase looked up, the new purchase inserted (as hp.content.purchase's
 * create makes it: amount = the price, the content's currency, purchased_at now) and purchase_count
 * recounted, and the purchase read back. `checkCreate` applies the create ACL and rules on the new row.
 */
export interface PurchaseRows {
  lockContent(id: number): Promise<LockedContent | undefined>;
  purchaseOf(contentId: number, buyerId: number): Promise<number | undefined>;
  insert(content: LockedContent, buyerId: number): Promise<number>;
  checkCreate(purchaseId: number): Promise<void>;
  recount(contentId: number): Promise<void>;
  read(purchaseId: number): Promise<PurchaseResource>;
}

/** A payment refused by finance (declined, not enough points): the purchase must not stay. */
export class PaymentFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentFailed';
  }
}

/**
 * Finance, wherever M13/M14 live: `pay` makes the hp.payment of the purchase (source
 * hp.content.purchase/<id>, paid by the buyer) and settles it, or throws PaymentFailed leaving
 * nothing paid; `refund` takes back a payment `pay` made (the saga's compensation).
 */
export interface PurchasePayments {
  pay(request: { purchaseId: number; buyerId: number; amount: string; currency: string; method: PurchaseMethod }): Promise<{ paymentId: number }>;
  refund(payment: { paymentId: number; buyerId: number; method: PurchaseMethod; amount: string }): Promise<void>;
}

/**
 * Buying a content, exactly once per buyer, paid through finance: a saga of two steps across two
 * owners. 1) On M06's home, in the request's transaction: the content locked (concurrent
 * purchases of it take turns, so the second purchase of one buyer sees the first), refused when
 * it is not published, free, or already bought by the buyer (hp_knowledge's constraint text), the
 * purchase inserted and purchase_count recounted. 2) Finance pays it. A failed payment throws out
 * of the transaction, so step 1 rolls back: no purchase row, purchase_count unchanged (its
 * compensation is the rollback). Anything failing after the payment succeeded refunds it (step 2's
 * compensation) before the error goes on. content_purchased is published with the purchase.
 */
export async function purchaseContent(rows: PurchaseRows, payments: PurchasePayments, events: KnowledgeEventSink, request: { contentId: number; buyerId: number; method: PurchaseMethod }): Promise<{ purchase: PurchaseResource; paymentId: number }> {
  const content = await rows.lockContent(request.contentId);
  if (!content) throw new ContentRefused('invalid', `content ${request.contentId} does not exist`);
  if (!content.published) throw new ContentRefused('state', NOT_PUBLISHED);
  if (content.price === null || Number(content.price) === 0) throw new ContentRefused('state', NOTHING_TO_PAY);
  if ((await rows.purchaseOf(content.id, request.buyerId)) !== undefined) throw new ContentRefused('state', ALREADY_PURCHASED);
  const purchaseId = await rows.insert(content, request.buyerId);
  await rows.checkCreate(purchaseId);
  await rows.recount(content.id);
  const purchase = await rows.read(purchaseId);
  const { paymentId } = await payments.pay({ purchaseId, buyerId: request.buyerId, amount: purchase.amount, currency: purchase.currency, method: request.method });
  try {
    await events.publish([contentPurchasedEvent(purchase, content.authorId, { paymentId, method: request.method })]);
    return { purchase, paymentId };
  } catch (error) {
    await payments.refund({ paymentId, buyerId: request.buyerId, method: request.method, amount: purchase.amount });
    throw error;
  }
}
