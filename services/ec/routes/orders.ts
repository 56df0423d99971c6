import { sql, type Kysely } from 'kysely';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { mallHome } from '../db/ec-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { EcDatabase, MallOrderState } from '../db/tables.ts';
import { orderEffects, runOrderAction, type OrderStore } from '../domain/order-actions.ts';
import { createMallOrder } from '../domain/order-creation.ts';
import { nextLegacyMallOrderName, nextMallOrderName } from '../domain/order-names.ts';
import { listOrderResources, lockOrderFacts, readOrderResource } from '../domain/order-records.ts';
import { ORDER_METHODS, type OrderAction } from '../domain/order-states.ts';
import { asProblems, callerLang, checkRecords, readerOfHome, restEventSink, writeInHome } from './rest-access.ts';

const ORDER_MODEL = 'hp.mall.order';
const LINE_MODEL = 'hp.mall.order.line';
const TABLE = 'orders';
const LABEL = 'order';

interface OrderCreate { buyerId?: number; lines: { productId: number; quantity: number; priceUnit?: string }[] }
interface OrderQuery { state?: MallOrderState; buyer_id?: number; limit: number; offset: number }

/**
 * The domain's OrderStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL and rules (404 for an order that does not exist or is
 * another buyer's), the write the write ACL and rules (403). The rows are locked while the
 * request runs, so two actions on one order take turns and the second sees the first's state.
 */
function restOrderStore(rows: Kysely<any>, access: AccessPort): OrderStore {
  return {
    async read(ids) {
      await checkRecords(access, rows, ORDER_MODEL, TABLE, 'read', ids, LABEL);
      return lockOrderFacts(rows, ids);
    },
    async withLines(ids) {
      const { rows: found } = await sql<{ order_id: number }>`SELECT DISTINCT order_id FROM order_lines WHERE order_id = ANY(${[...ids]}::int4[])`.execute(rows);
      return new Set(found.map((r) => r.order_id));
    },
    async write(ids, vals) {
      await checkRecords(access, rows, ORDER_MODEL, TABLE, 'write', ids, LABEL);
      await sql`UPDATE orders SET state = ${vals.state}, paid_at = COALESCE(${vals.paid_at ?? null}::timestamp, paid_at), write_uid = ${access.uid}, write_date = (now() at time zone 'UTC')
                 WHERE id = ANY(${[...ids]}::int4[])`.execute(rows);
    },
  };
}

/**
 * POST /orders: a mall order with its lines (hp.mall.order's create with line_ids), for the
 * caller unless an operator names the buyer (a member naming another is refused by
 * rule_mall_order_buyer, 403, nothing left). Every line of a stocked product reserves its
 * quantity in one warehouse, atomically; when no warehouse can cover a line the whole order is
 * refused with 409 and nothing is reserved. Idempotency-Key is required: a retried order must
 * never reserve twice. 201 with a Location.
 */
export const createOrderRoute = defineRoute<EcDatabase, OrderCreate>({
  method: 'post',
  path: '/orders',
  summary: 'Place a mall order: lines priced at the product price unless given, stock reserved per warehouse atomically (409 when the stock cannot cover a line); Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/ec/order-create.json',
  responses: { 201: 'rest/ec/order.json' },
  async handler(ctx) {
    const { body } = ctx;
    const access = ctx.access!;
    await access.check(ORDER_MODEL, 'create');
    await access.check(LINE_MODEL, 'create');
    const buyerId = body.buyerId ?? access.uid;
    return writeInHome(mallHome, ctx, async (rows, home) => {
      const { rows: buyer } = await sql<{ currency_id: number | null }>`
        SELECT co.currency_id FROM res_users u JOIN res_company co ON co.id = u.company_id WHERE u.id = ${buyerId}`.execute(rows);
      if (!buyer.length) throw problems.unprocessable(`user ${buyerId} does not exist`);
      const { rows: company } = await sql<{ currency_id: number }>`
        SELECT co.currency_id FROM res_users u JOIN res_company co ON co.id = u.company_id WHERE u.id = ${access.uid}`.execute(rows);
      const run = onKysely(rows);
      // `default=lambda self: self.env.company.currency_id`: the caller's company.
      const currencyId = company[0]?.currency_id ?? buyer[0]!.currency_id!;
      const name = home === 'service' ? await nextMallOrderName(run) : await nextLegacyMallOrderName(run);
      const created = await asProblems(createMallOrder(run, onKysely(ctx.db), restEventSink(ctx), { buyerId, currencyId, lines: body.lines }, { uid: access.uid, name }));
      await checkRecords(access, rows, ORDER_MODEL, TABLE, 'create', [created.id], LABEL);
      const order = await readOrderResource(rows, ctx.db, created.id, await callerLang(rows, access.uid));
      return { status: 201, body: order!, headers: { location: `/orders/${created.id}` } };
    });
  },
});

/** GET /orders: the orders the caller's read rules include (members their own, merchants and operators all), newest first. */
export const listOrdersRoute = defineRoute<EcDatabase, unknown, OrderQuery>({
  method: 'get',
  path: '/orders',
  summary: 'List the mall orders the caller may read (members their own, merchants and operators all), newest first; filter by state and buyer',
  auth: 'bearer',
  query: 'rest/ec/order-query.json',
  responses: { 200: 'rest/ec/order-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(ORDER_MODEL, 'read');
    const rows = await readerOfHome(mallHome, ctx);
    const page = await listOrderResources(rows, ctx.db, await access.rules(ORDER_MODEL, 'read', 'o'), {
      ...(query.state ? { state: query.state } : {}), ...(query.buyer_id ? { buyerId: query.buyer_id } : {}),
      limit: query.limit, offset: query.offset, lang: await callerLang(rows, access.uid),
    });
    return { status: 200, body: page };
  },
});

/** GET /orders/{id}: one order with its lines, when the caller's read rules include it (404 otherwise). */
export const getOrderRoute = defineRoute<EcDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/orders/:id',
  summary: 'Read one mall order with its lines (members their own, merchants and operators all)',
  auth: 'bearer',
  params: 'rest/ec/order-params.json',
  responses: { 200: 'rest/ec/order.json' },
  async handler(ctx) {
    const rows = await readerOfHome(mallHome, ctx);
    await checkRecords(ctx.access!, rows, ORDER_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const order = await readOrderResource(rows, ctx.db, ctx.params.id, await callerLang(rows, ctx.access!.uid));
    if (!order) throw problems.notFound(`order ${ctx.params.id} does not exist`);
    return { status: 200, body: order };
  },
});

/**
 * The actions over REST: the domain function the Odoo method runs, on M09's home, with ec's
 * effects (stock released or consumed, events), answered with the order. Paying is finance's:
 * POST /payments for the order, then the payment's success calls action_pay (as trade's orders).
 */
function actionRoute(action: Exclude<OrderAction, 'pay'>, what: string) {
  return defineRoute<EcDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/orders/:id/${action}`,
    summary: `hp.mall.order.${ORDER_METHODS[action]}: ${what}; 409 with the addon's text when the order is in the wrong state`,
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/ec/order-params.json',
    responses: { 200: 'rest/ec/order.json' },
    async handler(ctx) {
      const access = ctx.access!;
      return writeInHome(mallHome, ctx, async (rows) => {
        const effects = orderEffects(onKysely(rows), onKysely(ctx.db), restEventSink(ctx));
        await asProblems(runOrderAction(restOrderStore(rows, access), effects, action, [ctx.params.id], { uid: access.uid, now: odooNow() }));
        return { status: 200, body: (await readOrderResource(rows, ctx.db, ctx.params.id, await callerLang(rows, access.uid)))! };
      });
    },
  });
}

/** POST /orders/{id}/ship: paid → shipped. */
export const shipOrderRoute = actionRoute('ship', 'paid → shipped');
/** POST /orders/{id}/deliver: shipped → delivered; the reserved units leave the stock. */
export const deliverOrderRoute = actionRoute('deliver', 'shipped → delivered, the reserved units leave the stock');
/** POST /orders/{id}/cancel: draft or paid → cancelled; the reserved units go back to the stock. */
export const cancelOrderRoute = actionRoute('cancel', 'draft or paid → cancelled, the reserved units go back to the stock');

export const ORDER_ROUTES = [listOrdersRoute, createOrderRoute, getOrderRoute, shipOrderRoute, deliverOrderRoute, cancelOrderRoute];
