import { randomUUID } from 'node:crypto';
import { assertServiceOwns, defineRoute, problems, SagaRejected } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { readOrder } from '../db/order-store.ts';
import { build, onKysely } from '../db/sql-runner.ts';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';
import { CustomerHeld, ORDER_CREATED_STEP, ORDER_CREATION_SAGA, type OrderCreated, type OrderCreationInput } from '../domain/order-creation-saga.ts';
import { transitionOrders } from '../domain/order-transitions.ts';
import type { OrderAction } from '../domain/service-order-states.ts';
import { asProblems, restOrderEffects, restOrderStore } from './rest-order-store.ts';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';

interface OrderRow { id: number; name: string; state: string; customer_id: number; health_worker_id: number | null; service_id: number | null; amount: string | null }

export function orderResource(row: OrderRow) {
  return { id: row.id, name: row.name, state: row.state, customerId: row.customer_id, healthWorkerId: row.health_worker_id, serviceId: row.service_id, amount: row.amount === null ? '0' : String(Number(row.amount)), currency: COMPANY_CURRENCY.code };
}

/**
 * POST /trade/service-orders: an order for the calling member, made by the order-creation saga
 * (domain/order-creation-saga.ts) started in the request's transaction. verify_user and
 * create_order run there, so the order (a draft, as hp.service.order's create makes it), its
 * order_created event, the saga's row and the idempotency record commit together: the answer is
 * 201 with the order and a Location that resolves at once, and a repeated Idempotency-Key replays
 * it without a second order. A step that says no leaves nothing behind (the transaction rolls
 * back) and the answer says which: 403 for a user who may not order now (archived, held for
 * review), 422 for a service that does not exist or is archived. reserve_payment runs once that
 * committed (reserving nothing until finance exists: saga/finance-not-migrated.ts); a crash
 * before it is resumed by the runtime's saga runner on the next start.
 */
export const createServiceOrder = defineRoute<TradeDatabase, { serviceId: number; amount?: string; note?: string }>({
  method: 'post',
  path: '/trade/service-orders',
  summary: 'Order a health service as the calling member (draft, named from the order sequence), through the order-creation saga',
  auth: 'bearer',
  body: 'rest/trade/service-order-create.json',
  responses: { 201: 'rest/trade/service-order.json' },
  async handler({ db, body, principal, access, sagas, afterCommit, log }) {
    await assertServiceOwns(db, 'trade', ['M04']);
    await access!.check('hp.service.order', 'create');
    if (!sagas) throw new Error('trade runs without its saga runner (ServiceDefinition.sagas)');
    const input: OrderCreationInput = {
      customerId: principal!.userId, serviceId: body.serviceId, currency: COMPANY_CURRENCY.code,
      ...(body.amount !== undefined ? { amount: body.amount } : {}), ...(body.note !== undefined ? { note: body.note } : {}),
    };
    // A fresh key per request: a repeated Idempotency-Key never reaches here (its answer is replayed).
    const started = await sagaRefusalsAsProblems(sagas.startInTransaction(ORDER_CREATION_SAGA, randomUUID(), input, db, { through: ORDER_CREATED_STEP }));
    const { orderId } = started.outputs[ORDER_CREATED_STEP] as OrderCreated;
    // Odoo checks the create rules on the new record, after the INSERT, in the same transaction.
    await access!.check('hp.service.order', 'create', [orderId], 'service order');
    afterCommit(async () => {
      const outcome = await sagas.run(started.id);
      if (outcome !== 'completed') log.warn({ sagaId: started.id, outcome: outcome ?? 'left to the runner' }, 'order creation saga did not complete after the request');
    });
    return { status: 201, body: orderResource((await readOrder(onKysely(db), orderId))!), headers: { location: `/trade/service-orders/${orderId}` } };
  },
});

/** A step's definite no, as a problem: the user may not order (403), or the order cannot be made (422). */
async function sagaRefusalsAsProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof SagaRejected)) throw error;
    throw error.step === 'verify_user' || error instanceof CustomerHeld ? problems.forbidden(error.message) : problems.unprocessable(error.message);
  }
}

const ACTIONS: Record<string, OrderAction> = {
  submit: 'action_submit', mark_paid: 'action_mark_paid', assign: 'action_assign', start: 'action_start', complete: 'action_complete', cancel: 'action_cancel', refund: 'action_refund',
};

/**
 * PUT /trade/orders/:id/status: one transition of the state machine, the same function an Odoo
 * client's `hp.service.order.action_*` runs (domain/order-transitions.ts): the same checks in the
 * same order, the same words (409 for "cannot … from state …", 403 for the caller rules, 404
 * outside the read rules), the same events, and the same points when an order completes.
 */
export const changeOrderStatus = defineRoute<TradeDatabase, { action: string; workerId?: number }, unknown, { id: number }>({
  method: 'put',
  path: '/trade/orders/:id/status',
  summary: 'Move a service order through its state machine (submit, mark_paid, assign, start, complete, cancel, refund)',
  auth: 'bearer',
  params: 'rest/trade/id-params.json',
  body: 'rest/trade/order-status-change.json',
  responses: { 200: 'rest/trade/service-order.json' },
  async handler(ctx) {
    const { db, body, params, principal, access } = ctx;
    await assertServiceOwns(db, 'trade', ['M04']);
    const run = onKysely(db);
    const worker = body.workerId === undefined ? undefined : { id: () => body.workerId!, label: String(body.workerId) };
    await asProblems(transitionOrders(restOrderStore(run, access!), restOrderEffects(ctx), {
      action: ACTIONS[body.action]!, ids: [params.id], uid: principal!.userId, now: odooNow(), ...(worker ? { worker } : {}),
    }));
    return { status: 200, body: orderResource((await readOrder(run, params.id))!) };
  },
});

/** GET /trade/service-orders/:id: one order, when the caller's read rules include it (404 otherwise, as for an id that does not exist). */
export const getServiceOrder = defineRoute<TradeDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/trade/service-orders/:id',
  summary: 'Read one service order (customers their own, coaches assigned or grabbable ones, operators all)',
  auth: 'bearer',
  params: 'rest/trade/id-params.json',
  responses: { 200: 'rest/trade/service-order.json' },
  async handler({ db, params, access }) {
    await access!.check('hp.service.order', 'read', [params.id], 'service order');
    const order = await readOrder(onKysely(db), params.id);
    if (!order) throw problems.notFound(`service order ${params.id} does not exist`);
    return { status: 200, body: orderResource(order) };
  },
});

/** GET /trade/service-orders: the orders the caller's read rules include, in hp.service.order's order (ordered_at desc, id desc). */
export const listServiceOrders = defineRoute<TradeDatabase, unknown, { state?: string; limit: number; offset: number }>({
  method: 'get',
  path: '/trade/service-orders',
  summary: 'List the service orders the caller may read, newest first',
  auth: 'bearer',
  query: 'rest/trade/service-order-query.json',
  responses: { 200: 'rest/trade/service-order-list.json' },
  async handler({ db, query, access }) {
    await access!.check('hp.service.order', 'read');
    const run = onKysely(db);
    let select = build.selectFrom('service_orders as o').where(await access!.rules('hp.service.order', 'read', 'o'));
    if (query.state) select = select.where('o.state', '=', query.state);
    const [rows, count] = await Promise.all([
      run.run(
        select.select(['o.id', 'o.name', 'o.state', 'o.customer_id', 'o.health_worker_id', 'o.service_id']).select((eb) => eb.cast<string>('o.amount', 'text').as('amount'))
          .orderBy('o.ordered_at', (ob) => ob.desc().nullsLast()).orderBy('o.id', 'desc').limit(query.limit).offset(query.offset),
      ),
      run.run(select.select((eb) => eb.fn.countAll<string>().as('n'))),
    ]);
    return { status: 200, body: { items: rows.map(orderResource), total: Number(count[0]!.n) } };
  },
});
