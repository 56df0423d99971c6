import { sql, type Kysely } from 'kysely';
import { defineRoute, HttpProblem, problems, type AccessPort, type RouteDefinition } from '../../kit/index.ts';
import { knowledgeHome } from '../db/content-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { ContentDatabase, ContentType } from '../db/tables.ts';
import { listCatalogue, readContent, type ContentSort } from '../domain/content-records.ts';
import { ContentRefused } from '../domain/content-refusal.ts';
import { recountPurchases } from '../domain/purchase-count.ts';
import { ALREADY_PURCHASED, PaymentFailed, purchaseContent, type LockedContent, type PurchaseMethod, type PurchasePayments, type PurchaseRows } from '../domain/purchase-flow.ts';
import { listPurchases, readPurchase } from '../domain/purchase-records.ts';
import { financeThroughGateway } from './contents-finance.ts';
import { contentMatches } from './contents-search.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, rulesSql, writeInHome } from './rest-access.ts';

const CONTENT_MODEL = 'hp.knowledge.content';
const PURCHASE_MODEL = 'hp.content.purchase';

interface CatalogueQuery {
  q?: string; type?: ContentType; tag?: string; author_id?: number; price_min?: string; price_max?: string; sort?: ContentSort; limit: number; offset: number;
}
type IdParams = { id: number };

/** Operators and admins (admin implies operator): every body, every document. */
async function isStaff(rows: Kysely<any>, uid: number): Promise<boolean> {
  const { rows: found } = await sql<{ staff: boolean }>`
    SELECT EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
                    WHERE r.uid = ${uid} AND d.module = 'hp_account' AND d.name IN ('group_hp_operator', 'group_hp_admin')) AS staff`.execute(rows);
  return found[0]?.staff === true;
}

/**
 * GET /contents/courses: the catalogue of published paid content (price > 0; courses, articles,
 * audio and video alike, `type` narrows it) the caller's read rules include, with tags, author,
 * price and purchase_count; filters by type, tag, author and price range; newest first, or by
 * price, popularity (purchases) or, with `q`, relevance; paged. `q` is full-text search through
 * the search port (PostgreSQL or OpenSearch as SEARCH_BACKEND says), its matches re-checked here.
 */
export const catalogueRoute = defineRoute<ContentDatabase, unknown, CatalogueQuery>({
  method: 'get',
  path: '/contents/courses',
  summary: 'The catalogue of published paid content (courses, articles, audio, video) with tags, author, price and purchase count; filters, sort, paging and full-text q',
  auth: 'bearer',
  query: 'rest/content/content-query.json',
  responses: { 200: 'rest/content/content-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(CONTENT_MODEL, 'read');
    if (query.price_min !== undefined && query.price_max !== undefined && Number(query.price_min) > Number(query.price_max)) throw problems.badRequest('price_min is above price_max');
    const rows = await readerOfHome(knowledgeHome, ctx);
    const found = query.q ? await contentMatches(ctx, query.q, { userId: access.uid, staff: await isStaff(rows, access.uid) }, query.tag) : undefined;
    const page = await listCatalogue(onKysely(rows), {
      visible: await rulesSql(access, rows, CONTENT_MODEL, 'read', 'k'), uid: access.uid,
      ...(query.type ? { type: query.type } : {}), ...(query.tag ? { tag: query.tag } : {}), ...(query.author_id ? { authorId: query.author_id } : {}),
      ...(query.price_min !== undefined ? { priceMin: query.price_min } : {}), ...(query.price_max !== undefined ? { priceMax: query.price_max } : {}),
      ...(found ? { matches: found.ids } : {}),
      sort: query.sort ?? (query.q ? 'relevance' : 'newest'), limit: query.limit, offset: query.offset,
    });
    const items = found ? page.items.map((item) => ({ ...item, highlight: found.highlights.get(item.id) ?? '' })) : page.items;
    return { status: 200, body: { items, total: page.total, limit: query.limit, offset: query.offset } };
  },
});

/** GET /contents/purchases: the caller's own purchases, newest first. */
export const myPurchasesRoute = defineRoute<ContentDatabase, unknown, { limit: number; offset: number }>({
  method: 'get',
  path: '/contents/purchases',
  summary: "The caller's content purchases, newest first",
  auth: 'bearer',
  query: 'rest/content/purchase-query.json',
  responses: { 200: 'rest/content/purchase-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(PURCHASE_MODEL, 'read');
    const rows = await readerOfHome(knowledgeHome, ctx);
    const page = await listPurchases(onKysely(rows), await rulesSql(access, rows, PURCHASE_MODEL, 'read', 'p'), access.uid, ctx.query);
    return { status: 200, body: { ...page, limit: ctx.query.limit, offset: ctx.query.offset } };
  },
});

/** GET /contents/{id}: one content the caller may read (published, or their own draft; staff all); the paid body only for buyers, the author and staff. */
export const getContentRoute = defineRoute<ContentDatabase, unknown, unknown, IdParams>({
  method: 'get',
  path: '/contents/:id',
  summary: 'Read one content; its paid body only for its buyers, its author and staff (bodyHidden otherwise)',
  auth: 'bearer',
  params: 'rest/content/content-params.json',
  responses: { 200: 'rest/content/content-detail.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const rows = await readerOfHome(knowledgeHome, ctx);
    await checkRecords(access, rows, CONTENT_MODEL, 'knowledge_contents', 'read', [ctx.params.id], 'content');
    const content = await readContent(onKysely(rows), ctx.params.id, access.uid);
    if (!content) throw problems.notFound(`content ${ctx.params.id} does not exist`);
    return { status: 200, body: content };
  },
});

/** M06's rows of one purchase on a REST request, with the ACL and record rules Odoo's create checks. */
function restPurchaseRows(rows: Kysely<any>, access: AccessPort): PurchaseRows {
  const run = onKysely(rows);
  return {
    async lockContent(id) {
      await checkRecords(access, rows, CONTENT_MODEL, 'knowledge_contents', 'read', [id], 'content');
      const [row] = await run.raw<{ id: number; title: string; price: string | null; currency_id: number; published: boolean | null; author_id: number | null }>(
        'SELECT id, title, price::text AS price, currency_id, published, author_id FROM knowledge_contents WHERE id = $1 FOR UPDATE', [id]);
      return row ? { id: row.id, title: row.title, price: row.price, currencyId: row.currency_id, published: row.published === true, authorId: row.author_id } : undefined;
    },
    async purchaseOf(contentId, buyerId) {
      const [row] = await run.raw<{ id: number }>('SELECT id FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [contentId, buyerId]);
      return row?.id;
    },
    async insert(content: LockedContent, buyerId) {
      await access.check(PURCHASE_MODEL, 'create');
      try {
        const [row] = await run.raw<{ id: number }>(
          `INSERT INTO content_purchases (content_id, buyer_id, currency_id, amount, purchased_at, create_uid, write_uid, create_date, write_date)
           VALUES ($1, $2, $3, $4::numeric, now() at time zone 'UTC', $5, $5, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
          [content.id, buyerId, content.currencyId, content.price, access.uid]);
        return row!.id;
      } catch (error) {
        // An Odoo client's create of the same pair committed since the check (it takes no lock on the content first).
        const e = error as { code?: string; constraint?: string };
        if (e.code === '23505' && e.constraint === 'content_purchases_content_buyer_uniq') throw new ContentRefused('state', ALREADY_PURCHASED);
        throw error;
      }
    },
    checkCreate: (id) => checkRecords(access, rows, PURCHASE_MODEL, 'content_purchases', 'create', [id], 'purchase'),
    recount: (contentId) => recountPurchases(run, [contentId]),
    read: async (id) => (await readPurchase(run, id))!,
  };
}

const paymentDeclined = (detail: string) => new HttpProblem(402, 'Payment Required', detail, { type: 'https://ficus.dev/problems/payment-declined' });

/**
 * POST /contents/{id}/purchase: the caller buys the content, exactly once (a second purchase is
 * 409 with hp_knowledge's "This content was already purchased by this user."), paid through
 * finance by `method` (wechat by default; points: one point per currency unit, rounded up). The
 * purchase and the payment form a saga (domain/purchase-flow.ts): a declined payment is 402 with
 * finance's text and leaves no purchase and purchase_count as it was. Idempotency-Key required:
 * a retried purchase never pays twice. 201 with the purchase and its payment; content_purchased.
 */
export const purchaseRoute = defineRoute<ContentDatabase, { method?: PurchaseMethod }, unknown, IdParams>({
  method: 'post',
  path: '/contents/:id/purchase',
  summary: 'Buy a content once, paid through finance (wechat, alipay, card or points); 409 when already bought, 402 when the payment is declined; Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  params: 'rest/content/content-params.json',
  body: 'rest/content/purchase-create.json',
  responses: { 201: 'rest/content/purchase-receipt.json' },
  async handler(ctx) {
    const access = ctx.access!;
    if (!ctx.platform.odoo) throw problems.unavailable('payments are not reachable from this process (no gateway beside it)');
    const method = ctx.body?.method ?? 'wechat';
    const finance = financeThroughGateway(ctx.platform.odoo);
    // The payment made and whether it was taken back: a failure once it is captured, up to the
    // commit of M06's home (the monolith's transaction commits inside writeInHome), refunds it.
    let captured: { paymentId: number; amount: string } | undefined;
    let refunded = false;
    const payments: PurchasePayments = {
      async pay(request) {
        const paid = await finance.pay(request);
        captured = { paymentId: paid.paymentId, amount: request.amount };
        return paid;
      },
      async refund(payment) {
        await finance.refund(payment);
        refunded = true;
      },
    };
    try {
      const bought = await writeInHome(knowledgeHome, ctx, (rows) =>
        asProblems(purchaseContent(restPurchaseRows(rows, access), payments, restEventSink(ctx), { contentId: ctx.params.id, buyerId: access.uid, method })));
      return { status: 201, body: { purchase: bought.purchase, paymentId: bought.paymentId, method } };
    } catch (error) {
      if (error instanceof PaymentFailed) throw paymentDeclined(error.message);
      if (captured && !refunded) {
        await payments.refund({ ...captured, buyerId: access.uid, method }).catch((refusal: unknown) =>
          ctx.log.error({ err: refusal, paymentId: captured!.paymentId }, 'a purchase failed after its payment and the refund failed too: refund it by hand'));
      }
      throw error;
    }
  },
});

/** Content's M06 routes; fixed paths before `/contents/:id`. */
export const CONTENT_ROUTES_M06: RouteDefinition<ContentDatabase>[] = [catalogueRoute, myPurchasesRoute, getContentRoute, purchaseRoute];
