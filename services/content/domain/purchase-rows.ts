import type { Kysely } from 'kysely';
import { onKysely } from '../db/sql-runner.ts';
import { ContentRefused } from './content-refusal.ts';
import { recountPurchases } from './purchase-count.ts';
import { ALREADY_PURCHASED, type LockedContent, type PurchaseRows } from './purchase-flow.ts';
import { readPurchase } from './purchase-records.ts';

/**
 * The access checks a REST request makes around its purchase (Odoo's create checks: the content
 * readable, the create ACL, the create rules on the new row). A purchase the saga runner
 * records itself (no request) has none.
 */
export interface PurchaseChecks {
  uid: number;
  /** On `rows`, the home the purchase is written on. */
  contentReadable(rows: Kysely<any>, contentId: number): Promise<void>;
  mayCreate(): Promise<void>;
  createdAllowed(rows: Kysely<any>, purchaseId: number): Promise<void>;
}

/**
 * M06's purchase rows on `rows` (the module's home: svc_content or the monolith); `orphans`
 * decides whether a buyer's earlier purchase is one left without its saga (none: never).
 */
export function purchaseRowsOn(rows: Kysely<any>, checks: PurchaseChecks | undefined, orphans?: { release(purchaseId: number): Promise<boolean> }): PurchaseRows {
  const run = onKysely(rows);
  return {
    releaseOrphan: async (id) => (orphans ? orphans.release(id) : false),
    async lockContent(id) {
      await checks?.contentReadable(rows, id);
      const [row] = await run.raw<{ id: number; title: string; price: string | null; currency_id: number; published: boolean | null; author_id: number | null }>(
        'SELECT id, title, price::text AS price, currency_id, published, author_id FROM knowledge_contents WHERE id = $1 FOR UPDATE', [id]);
      return row ? { id: row.id, title: row.title, price: row.price, currencyId: row.currency_id, published: row.published === true, authorId: row.author_id } : undefined;
    },
    async purchaseOf(contentId, buyerId) {
      const [row] = await run.raw<{ id: number }>('SELECT id FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [contentId, buyerId]);
      return row?.id;
    },
    async insertPending(content: LockedContent, buyerId) {
      await checks?.mayCreate();
      const uid = checks?.uid ?? buyerId;
      try {
        // purchased_at stays empty until the payment succeeded (confirmPurchase): the pending marker.
        const [row] = await run.raw<{ id: number }>(
          `INSERT INTO content_purchases (content_id, buyer_id, currency_id, amount, purchased_at, create_uid, write_uid, create_date, write_date)
           VALUES ($1, $2, $3, $4::numeric, NULL, $5, $5, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
          [content.id, buyerId, content.currencyId, content.price, uid]);
        return row!.id;
      } catch (error) {
        // An Odoo client's create of the same pair committed since the check (it takes no lock on the content first).
        const e = error as { code?: string; constraint?: string };
        if (e.code === '23505' && e.constraint === 'content_purchases_content_buyer_uniq') throw new ContentRefused('state', ALREADY_PURCHASED);
        throw error;
      }
    },
    checkCreate: async (id) => checks?.createdAllowed(rows, id),
    recount: (contentId) => recountPurchases(run, [contentId]),
    read: async (id) => (await readPurchase(run, id))!,
  };
}

/** The purchase paid: purchased_at set (only while it is still pending, so a repeat changes nothing). */
export async function confirmPurchase(rows: Kysely<any>, purchaseId: number): Promise<void> {
  await onKysely(rows).raw(`UPDATE content_purchases SET purchased_at = now() at time zone 'UTC', write_date = now() at time zone 'UTC' WHERE id = $1 AND purchased_at IS NULL`, [purchaseId]);
}

/**
 * The compensation of a recorded purchase whose payment did not happen: the row deleted (the
 * content locked first, as every writer of purchases does) and purchase_count recounted, so no
 * purchase stays and the count equals the rows. Nothing to do when it is already gone. With
 * `onlyPending` (a purchase left without its saga, domain/orphan-purchases.ts) a purchase marked
 * paid meanwhile stays. Whether a row was deleted.
 */
export async function withdrawPurchase(rows: Kysely<any>, purchase: { id: number; contentId: number; buyerId: number }, options: { onlyPending?: boolean } = {}): Promise<boolean> {
  const run = onKysely(rows);
  await run.raw('SELECT id FROM knowledge_contents WHERE id = $1 FOR NO KEY UPDATE', [purchase.contentId]);
  const deleted = await run.raw<{ id: number }>(
    `DELETE FROM content_purchases WHERE id = $1 AND content_id = $2 AND buyer_id = $3${options.onlyPending ? ' AND purchased_at IS NULL' : ''} RETURNING id`,
    [purchase.id, purchase.contentId, purchase.buyerId]);
  await recountPurchases(run, [purchase.contentId]);
  return deleted.length > 0;
}
