import { ContentRefused } from './content-refusal.ts';
import type { PurchaseResource } from './purchase-records.ts';

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
 * M06's rows for one purchase, on the module's home: the content locked, the caller's earlier
 * purchase looked up, the new purchase inserted (as hp.content.purchase's create makes it: amount
 * = the price, the content's currency) but still pending (purchased_at empty until it is paid:
 * a pending purchase does not open the paid body, domain/paid-body.ts), purchase_count recounted,
 * and the purchase read back. `checkCreate` applies the create ACL and rules on the new row.
 */
export interface PurchaseRows {
  lockContent(id: number): Promise<LockedContent | undefined>;
  purchaseOf(contentId: number, buyerId: number): Promise<number | undefined>;
  /**
   * The buyer's earlier purchase `purchaseId` withdrawn if it is a pending purchase left without
   * its saga (domain/orphan-purchases.ts): true, and the new purchase takes its place; false when
   * it stands (paid, in a saga, or an Odoo client's).
   */
  releaseOrphan(purchaseId: number): Promise<boolean>;
  insertPending(content: LockedContent, buyerId: number): Promise<number>;
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
 * nothing paid; `refund` takes back what `pay` did under the same key (the saga's compensation).
 * Both are idempotent per `idempotencyKey` (the pay step's): repeated, they find what an earlier
 * attempt did and finish it instead of doing it again.
 */
export interface PurchasePayments {
  pay(request: { purchaseId: number; buyerId: number; amount: string; currency: string; method: PurchaseMethod; idempotencyKey: string }): Promise<{ paymentId: number }>;
  refund(payment: { buyerId: number; method: PurchaseMethod; amount: string; idempotencyKey: string }): Promise<void>;
}

/**
 * The purchase saga's first step (domain/purchase-saga.ts), on M06's home: the content locked
 * (concurrent purchases of it take turns, so the second purchase of one buyer sees the first),
 * refused when it does not exist, is not published, is free, or is already bought by the buyer
 * (hp_knowledge's constraint text; a pending purchase of the buyer left without its saga is
 * withdrawn instead, `replacedOrphan`), then the pending purchase inserted and purchase_count
 * recounted (a pending purchase is a purchase row: the count always equals the rows).
 */
export async function recordPurchase(rows: PurchaseRows, request: { contentId: number; buyerId: number }): Promise<{ purchase: PurchaseResource; authorId: number | null; replacedOrphan?: number }> {
  const content = await rows.lockContent(request.contentId);
  if (!content) throw new ContentRefused('invalid', `content ${request.contentId} does not exist`);
  if (!content.published) throw new ContentRefused('state', NOT_PUBLISHED);
  if (content.price === null || Number(content.price) === 0) throw new ContentRefused('state', NOTHING_TO_PAY);
  const earlier = await rows.purchaseOf(content.id, request.buyerId);
  const replacedOrphan = earlier !== undefined && (await rows.releaseOrphan(earlier));
  if (earlier !== undefined && !replacedOrphan) throw new ContentRefused('state', ALREADY_PURCHASED);
  const purchaseId = await rows.insertPending(content, request.buyerId);
  await rows.checkCreate(purchaseId);
  await rows.recount(content.id);
  return { purchase: await rows.read(purchaseId), authorId: content.authorId, ...(replacedOrphan ? { replacedOrphan: earlier } : {}) };
}
