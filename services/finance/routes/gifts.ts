import { sql, type Kysely, type RawBuilder } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { sendGiftOrders } from '../domain/gift-orders.ts';
import { asProblems, checkRecords, OPERATOR_GROUP, readerOfHome, restEventSink, writeInHome } from './rest-access.ts';

/** GET /gifts: the active catalogue (hp.gift where active), cheapest first as hp.gift orders it (price_points, name). */
export const listGifts = defineRoute<FinanceDatabase>({
  method: 'get',
  path: '/gifts',
  summary: 'The active gift catalogue, cheapest first',
  auth: 'bearer',
  responses: { 200: 'rest/finance/gift-list.json' },
  async handler(ctx) {
    const { access } = ctx;
    await access!.check('hp.gift', 'read');
    const visible = await access!.rules('hp.gift', 'read', 'g');
    const { rows } = await sql<{ id: number; name: string; price_points: number }>`
      SELECT g.id, g.name, g.price_points FROM gifts g WHERE g.active AND ${visible} ORDER BY g.price_points, g.name, g.id`.execute(await readerOfHome(ctx));
    return { status: 200, body: { items: rows.map((g) => ({ id: g.id, name: g.name, pricePoints: g.price_points })) } };
  },
});

interface GiftOrderRow { id: number; sender_id: number; receiver_id: number; gift_id: number; quantity: number; points_spent: number | null; live_stream_id: number | null; sent_at: string | null }

const GIFT_ORDER_COLUMNS = sql`g.id, g.sender_id, g.receiver_id, g.gift_id, g.quantity, g.points_spent, g.live_stream_id, to_char(g.sent_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sent_at`;

const giftOrderResource = (r: GiftOrderRow) => ({
  id: r.id, senderId: r.sender_id, receiverId: r.receiver_id, giftId: r.gift_id, quantity: r.quantity, pointsSpent: r.points_spent ?? 0, liveStreamId: r.live_stream_id, sentAt: r.sent_at,
});

/**
 * Which gift orders a caller sees over REST: hp.gift.order's read rules (none in the monolith,
 * where any member reads every gift order), narrowed to the orders the caller sent or received
 * unless they are an operator. REST shows never more than RPC; here deliberately less, since a
 * gift order tells who spent points on whom (the property test holds members to their own).
 */
async function visibleGiftOrders(access: AccessPort): Promise<RawBuilder<boolean>> {
  const rules = await access.rules('hp.gift.order', 'read', 'g');
  if (await access.hasGroup(OPERATOR_GROUP)) return rules;
  return sql<boolean>`(${rules} AND (g.sender_id = ${access.uid} OR g.receiver_id = ${access.uid}))`;
}

async function readGiftOrder(db: Kysely<any>, visible: RawBuilder<boolean>, id: number) {
  const { rows } = await sql<GiftOrderRow>`SELECT ${GIFT_ORDER_COLUMNS} FROM gift_orders g WHERE g.id = ${id} AND ${visible}`.execute(db);
  return rows[0] && giftOrderResource(rows[0]);
}

/**
 * POST /gifts/purchase: the caller sends a gift (domain/gift-orders.ts `sendGiftOrders`, the use
 * case behind hp.gift.order's create): the sender is always the token's user, so nobody spends
 * another member's points (the monolith's hole stays closed); their points are debited (reason
 * gift, −price × quantity) in the same transaction, gift_sent published. A gift to oneself and
 * insufficient points are 422 with hp_gift's and hp_points' texts, leaving nothing behind.
 */
export const purchaseGift = defineRoute<FinanceDatabase, { giftId: number; receiverId: number; quantity: number; liveStreamId?: number }>({
  method: 'post',
  path: '/gifts/purchase',
  summary: 'Send a gift as the caller, paid with the caller\'s points; Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/finance/gift-purchase.json',
  responses: { 201: 'rest/finance/gift-order.json' },
  async handler(ctx) {
    const { body, principal, access } = ctx;
    await access!.check('hp.gift.order', 'create');
    return writeInHome(ctx, async (rows, home) => {
      const [sent] = await asProblems(sendGiftOrders({ sql: onKysely(rows) }, restEventSink(ctx, home), { uid: principal!.userId, mayActForOthers: false }, [{
        senderId: principal!.userId, receiverId: body.receiverId, giftId: body.giftId, quantity: body.quantity ?? 1, liveStreamId: body.liveStreamId ?? null,
      }]));
      const id = sent!.order.id;
      await checkRecords(access!, rows, 'hp.gift.order', 'gift_orders', 'create', [id], 'gift order');
      return { status: 201, body: (await readGiftOrder(rows, sql<boolean>`TRUE`, id))!, headers: { location: `/gift-orders/${id}` } };
    });
  },
});

/** GET /gift-orders/{id}: a gift order the caller sent or received (operators: any); 404 otherwise, as for an id that does not exist. */
export const getGiftOrder = defineRoute<FinanceDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/gift-orders/:id',
  summary: 'Read one gift order the caller sent or received (operators all)',
  auth: 'bearer',
  params: 'rest/finance/id-params.json',
  responses: { 200: 'rest/finance/gift-order.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    await access!.check('hp.gift.order', 'read');
    const order = await readGiftOrder(await readerOfHome(ctx), await visibleGiftOrders(access!), params.id);
    if (!order) throw problems.notFound(`gift order ${params.id} does not exist`);
    return { status: 200, body: order };
  },
});

/** GET /gift-orders: the gift orders the caller sent or received (operators all), newest first as hp.gift.order orders them (sent_at desc, id desc). */
export const listGiftOrders = defineRoute<FinanceDatabase, unknown, { role?: 'sent' | 'received'; limit: number; offset: number }>({
  method: 'get',
  path: '/gift-orders',
  summary: 'List the gift orders the caller sent or received (operators all), newest first',
  auth: 'bearer',
  query: 'rest/finance/gift-order-query.json',
  responses: { 200: 'rest/finance/gift-order-list.json' },
  async handler(ctx) {
    const { query, access } = ctx;
    await access!.check('hp.gift.order', 'read');
    const db = await readerOfHome(ctx);
    const conditions: RawBuilder<unknown>[] = [await visibleGiftOrders(access!)];
    if (query.role === 'sent') conditions.push(sql`g.sender_id = ${access!.uid}`);
    if (query.role === 'received') conditions.push(sql`g.receiver_id = ${access!.uid}`);
    const where = sql.join(conditions, sql` AND `);
    const [page, count] = await Promise.all([
      sql<GiftOrderRow>`SELECT ${GIFT_ORDER_COLUMNS} FROM gift_orders g WHERE ${where} ORDER BY g.sent_at DESC NULLS LAST, g.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db),
      sql<{ n: number }>`SELECT count(*)::int AS n FROM gift_orders g WHERE ${where}`.execute(db),
    ]);
    return { status: 200, body: { items: page.rows.map(giftOrderResource), total: count.rows[0]!.n } };
  },
});
