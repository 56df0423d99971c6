import { sql, type Kysely } from 'kysely';
import { defineRoute, HttpProblem, problems, type AccessPort, type RouteDefinition, type SagaRunner } from '../../kit/index.ts';
import { knowledgeHome } from '../db/content-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { ContentDatabase, ContentType } from '../db/tables.ts';
import { listCatalogue, readContent, type ContentSort } from '../domain/content-records.ts';
import { ContentRefused } from '../domain/content-refusal.ts';
import type { PurchaseMethod } from '../domain/purchase-flow.ts';
import { listPurchases, readPurchase } from '../domain/purchase-records.ts';
import type { PurchaseChecks } from '../domain/purchase-rows.ts';
import { CONTENT_PURCHASE_SAGA, PAY_STEP, RECORD_PURCHASE_STEP, type ContentPurchaseInput, type PurchasePaid, type PurchaseRecorded } from '../domain/purchase-saga.ts';
import { requestPurchaseChecks } from './contents-purchase-ports.ts';
import { logOutcome } from '../domain/orphan-purchase-sweep.ts';
import { contentMatches } from './contents-search.ts';
import { asProblems, checkRecords, readerOfHome, rulesSql } from './rest-access.ts';

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

const paymentDeclined = (detail: string) => new HttpProblem(402, 'Payment Required', detail, { type: 'https://ficus.dev/problems/payment-declined' });
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a request waits for its purchase's saga (its payment) before answering 503 "still in progress". */
const SAGA_WAIT_MS = Number(process.env.CONTENT_PURCHASE_WAIT_MS ?? 30_000);

/** The request's access checks around the purchase, on the home the purchase is written on (Odoo's create checks). */
function restPurchaseChecks(access: AccessPort): PurchaseChecks {
  return {
    uid: access.uid,
    contentReadable: (rows, id) => checkRecords(access, rows, CONTENT_MODEL, 'knowledge_contents', 'read', [id], 'content'),
    mayCreate: () => access.check(PURCHASE_MODEL, 'create'),
    createdAllowed: (rows, id) => checkRecords(access, rows, PURCHASE_MODEL, 'content_purchases', 'create', [id], 'purchase'),
  };
}

interface SagaState { status: string; input: ContentPurchaseInput; outputs: Record<string, unknown>; failure: string | null; rejectedAt: string | null }

async function sagaState(db: Kysely<any>, id: number): Promise<SagaState> {
  const { rows } = await sql<SagaState>`
    SELECT status, input, outputs, failure,
           (SELECT step FROM saga_step_log l WHERE l.saga_id = s.id AND l.phase = 'action' AND l.outcome = 'rejected' ORDER BY l.id DESC LIMIT 1) AS "rejectedAt"
      FROM saga_instances s WHERE id = ${id}`.execute(db);
  return rows[0]!;
}

const ended = (status: string) => status === 'completed' || status === 'compensated';

/**
 * Drives the saga to its end here if no one else is (a duplicate request or the runner's resume
 * may hold it: then its state is watched), for at most `SAGA_WAIT_MS`; the state at that point.
 */
async function awaitSaga(sagas: SagaRunner, db: Kysely<any>, id: number): Promise<SagaState> {
  const deadline = Date.now() + SAGA_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    sagas.run(id).catch(() => undefined),
    new Promise<void>((resolve) => void (timer = setTimeout(resolve, SAGA_WAIT_MS))),
  ]);
  clearTimeout(timer);
  let state = await sagaState(db, id);
  while (!ended(state.status) && state.status !== 'failed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = await sagaState(db, id);
  }
  return state;
}

/**
 * POST /contents/{id}/purchase: the caller buys the content, exactly once (a second purchase is
 * 409 with hp_knowledge's "This content was already purchased by this user."), paid through
 * finance by `method` (wechat by default; points: one point per currency unit, rounded up), by
 * the content_purchase saga (domain/purchase-saga.ts). Its first step runs in this request's
 * transaction (the purchase recorded as pending, purchase_count recounted, the saga's row), the
 * payment and the confirmation after that commit; the request waits for the saga's end and
 * answers from it: 201 with the purchase and its payment, 402 with finance's text when the
 * payment was declined (the purchase withdrawn, purchase_count as it was), 500 when the purchase
 * had to be undone for another reason (refunded, withdrawn), 503 when it is still running after
 * the wait (the runner finishes it either way). Idempotency-Key required: it names the saga (per
 * buyer), so a repeated request never pays twice and answers from the same saga, also when the
 * first one died on the way; the same key with another content or method is 422.
 */
export const purchaseRoute = defineRoute<ContentDatabase, { method?: PurchaseMethod }, unknown, IdParams>({
  method: 'post',
  path: '/contents/:id/purchase',
  summary: 'Buy a content once, paid through finance (wechat, alipay, card or points); 409 when already bought, 402 when the payment is declined; Idempotency-Key required',
  auth: 'bearer',
  // The saga's key is the request's Idempotency-Key: the answer is read from the saga's end, which comes after the commit.
  idempotency: 'never',
  transaction: 'handler',
  params: 'rest/content/content-params.json',
  body: 'rest/content/purchase-create.json',
  responses: { 201: 'rest/content/purchase-receipt.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { sagas } = ctx;
    if (!sagas) throw new Error('content runs without its saga runner (ServiceDefinition.sagas)');
    if (!ctx.platform.odoo) throw problems.unavailable('payments are not reachable from this process (no gateway beside it)');
    const idempotencyKey = ctx.header('idempotency-key');
    if (!idempotencyKey) throw problems.badRequest('this endpoint requires an Idempotency-Key header');
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw problems.badRequest('Idempotency-Key must be 1–255 visible ASCII characters');
    const input: ContentPurchaseInput = { contentId: ctx.params.id, buyerId: access.uid, method: ctx.body?.method ?? 'wechat' };
    const started = await ctx.db.transaction().execute(async (tx) => {
      requestPurchaseChecks.set(tx, restPurchaseChecks(access));
      return asProblems(sagas.startInTransaction(CONTENT_PURCHASE_SAGA, `${access.uid}:${idempotencyKey}`, input, tx, { through: RECORD_PURCHASE_STEP }));
    });
    const replacedOrphan = (started.outputs[RECORD_PURCHASE_STEP] as PurchaseRecorded | undefined)?.replacedOrphan;
    if (replacedOrphan !== undefined) logOutcome(ctx.log, 'withdrawn', { purchaseId: replacedOrphan, contentId: input.contentId, by: 'next_attempt' });
    const state = await awaitSaga(sagas, ctx.db, started.id);
    if (state.input.contentId !== input.contentId || state.input.method !== input.method) {
      throw problems.unprocessable('this Idempotency-Key was already used with a different request', 'https://ficus.dev/problems/idempotency-key-reused');
    }
    if (state.status === 'compensated' && state.rejectedAt === PAY_STEP) throw paymentDeclined(state.failure ?? 'the payment was declined');
    if (state.status === 'compensated' || state.status === 'failed') {
      ctx.log.error({ sagaId: started.id, failure: state.failure }, 'a content purchase was undone after its payment step');
      throw new HttpProblem(500, 'Internal Server Error', 'the purchase could not be completed and was undone (nothing stays charged); quote the request id when reporting it');
    }
    if (state.status !== 'completed') {
      throw new HttpProblem(503, 'Service Unavailable', 'the payment of this purchase is still in progress; repeat the request with the same Idempotency-Key for its outcome', { type: 'https://ficus.dev/problems/purchase-in-progress' });
    }
    const recorded = state.outputs[RECORD_PURCHASE_STEP] as PurchaseRecorded;
    const { paymentId } = state.outputs[PAY_STEP] as PurchasePaid;
    const purchase = (await readPurchase(onKysely(await readerOfHome(knowledgeHome, ctx)), recorded.purchase.id)) ?? recorded.purchase;
    return { status: 201, body: { purchase, paymentId, method: input.method } };
  },
});

/** Content's M06 routes; fixed paths before `/contents/:id`. */
export const CONTENT_ROUTES_M06: RouteDefinition<ContentDatabase>[] = [catalogueRoute, myPurchasesRoute, getContentRoute, purchaseRoute];
