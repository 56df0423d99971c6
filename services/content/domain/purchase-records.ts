import { isoUtc, type NewEvent, type RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { moneyText } from './content-events.ts';

/** A purchase as REST shows it. */
export interface PurchaseResource {
  id: number;
  contentId: number;
  contentTitle: string;
  buyerId: number;
  amount: string;
  currency: string;
  purchasedAt: string | null;
}

interface PurchaseRow {
  id: number;
  content_id: number;
  title: string | null;
  buyer_id: number;
  amount: string | null;
  currency: string | null;
  purchased_at: string | null;
}

const COLUMNS = `p.id, p.content_id, k.title, p.buyer_id, p.amount::text AS amount, c.name AS currency, to_char(p.purchased_at, 'YYYY-MM-DD HH24:MI:SS') AS purchased_at`;
const JOINS = 'FROM content_purchases p LEFT JOIN knowledge_contents k ON k.id = p.content_id LEFT JOIN res_currency c ON c.id = p.currency_id';

function resourceOf(row: PurchaseRow): PurchaseResource {
  return {
    id: row.id, contentId: row.content_id, contentTitle: row.title ?? '', buyerId: row.buyer_id, amount: moneyText(row.amount),
    currency: row.currency ?? 'CNY', purchasedAt: row.purchased_at ? isoUtc(row.purchased_at) : null,
  };
}

export async function readPurchase(run: SqlRunner, id: number): Promise<PurchaseResource | undefined> {
  const [row] = await run.raw<PurchaseRow>(`SELECT ${COLUMNS} ${JOINS} WHERE p.id = $1`, [id]);
  return row ? resourceOf(row) : undefined;
}

/** The caller's purchases (hp.content.purchase's order: purchased_at desc, id desc) within their read rules over `p`. */
export async function listPurchases(run: SqlRunner, visible: RulesSql, buyerId: number, page: { limit: number; offset: number }): Promise<{ items: PurchaseResource[]; total: number }> {
  const n = visible.parameters.length;
  const rows = await run.raw<PurchaseRow & { total: string }>(
    `SELECT ${COLUMNS}, count(*) OVER () AS total ${JOINS} WHERE (${visible.sql}) AND p.buyer_id = $${n + 1}
      ORDER BY p.purchased_at DESC NULLS LAST, p.id DESC LIMIT $${n + 2} OFFSET $${n + 3}`,
    [...visible.parameters, buyerId, page.limit, page.offset],
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && page.offset > 0) total = Number((await run.raw<{ n: string }>(`SELECT count(*) AS n ${JOINS} WHERE (${visible.sql}) AND p.buyer_id = $${n + 1}`, [...visible.parameters, buyerId]))[0]?.n ?? 0);
  return { items: rows.map(resourceOf), total };
}

/** content_purchased: the purchase, its content's author, and the payment that paid it. */
export function contentPurchasedEvent(purchase: PurchaseResource, authorId: number | null, payment: { paymentId: number | null; method: 'wechat' | 'alipay' | 'card' | 'points' | null }): NewEvent<'content_purchased'> {
  return {
    type: 'content_purchased',
    subject: `hp.content.purchase/${purchase.id}`,
    key: `hp.knowledge.content/${purchase.contentId}`,
    data: {
      purchaseId: purchase.id, contentId: purchase.contentId, buyerId: purchase.buyerId, authorId, amount: purchase.amount, currency: purchase.currency,
      paymentId: payment.paymentId, method: payment.method, purchasedAt: purchase.purchasedAt ?? new Date().toISOString(),
    },
  };
}
