import { assertServiceOwns, defineRoute, problems } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { nextOrderName } from '../db/order-names.ts';
import { applyTransition, readOrder } from '../db/order-store.ts';
import { build, onKysely } from '../db/sql-runner.ts';
import { userExists, userFacts } from '../db/user-facts.ts';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';
import { callerRefusal, stateRefusal, type OrderAction } from '../domain/service-order-states.ts';
import { orderAssignedEvent, orderCreatedEvent, serviceCompletedEvent } from '../odoo/outbox-events.ts';
import { odooNow } from '../../../odoo-bridge/orm/write/env-values.ts';

interface OrderRow { id: number; name: string; state: string; customer_id: number; health_worker_id: number | null; service_id: number | null; amount: string | null }

export function orderResource(row: OrderRow) {
  return { id: row.id, name: row.name, state: row.state, customerId: row.customer_id, healthWorkerId: row.health_worker_id, serviceId: row.service_id, amount: row.amount === null ? '0' : String(Number(row.amount)), currency: COMPANY_CURRENCY.code };
}

/** POST /trade/service-orders: hp.service.order create for the calling member, as Odoo's create does it. */
export const createServiceOrder = defineRoute<TradeDatabase, { serviceId: number; amount?: string; note?: string }>({
  method: 'post',
  path: '/trade/service-orders',
  summary: 'Order a health service as the calling member (draft, named from the order sequence)',
  auth: 'bearer',
  body: 'rest/trade/service-order-create.json',
  responses: { 201: 'rest/trade/service-order.json' },
  async handler({ db, body, principal, bus }) {
    await assertServiceOwns(db, 'trade', ['M04']);
    const run = onKysely(db);
    const uid = principal!.userId;
    const [service] = await run.run(build.selectFrom('health_services').select(['id', 'price']).where('id', '=', body.serviceId));
    if (!service) throw problems.unprocessable(`health service ${body.serviceId} does not exist`);
    const now = odooNow();
    const [row] = await run.run(
      build.insertInto('service_orders').values({
        name: await nextOrderName(run), customer_id: uid, service_id: body.serviceId, currency_id: COMPANY_CURRENCY.id,
        amount: body.amount ?? service.price, state: 'draft', ordered_at: now, note: body.note ?? null,
        create_uid: uid, write_uid: uid, create_date: now, write_date: now,
      }).returning(['id', 'name', 'state', 'customer_id', 'health_worker_id', 'service_id']).returning((eb) => eb.cast<string>('amount', 'text').as('amount')),
    );
    await bus.publish(db, orderCreatedEvent({ id: row!.id, name: row!.name, customerId: uid, serviceId: row!.service_id, amount: row!.amount, state: row!.state, orderedAt: now }));
    return { status: 201, body: orderResource(row!), headers: { location: `/trade/service-orders/${row!.id}` } };
  },
});

const ACTIONS: Record<string, OrderAction> = {
  submit: 'action_submit', mark_paid: 'action_mark_paid', assign: 'action_assign', start: 'action_start', complete: 'action_complete', cancel: 'action_cancel', refund: 'action_refund',
};

/**
 * PUT /trade/orders/:id/status: one transition of the state machine, with the legacy rules and
 * words (409 for "cannot … from state …", 403 for the caller rules), as a guarded UPDATE.
 * Who may see the order follows the record rules: its customer, its worker, operators.
 */
export const changeOrderStatus = defineRoute<TradeDatabase, { action: string; workerId?: number }, unknown, { id: number }>({
  method: 'put',
  path: '/trade/orders/:id/status',
  summary: 'Move a service order through its state machine (submit, mark_paid, assign, start, complete, cancel, refund)',
  auth: 'bearer',
  params: 'rest/trade/id-params.json',
  body: 'rest/trade/order-status-change.json',
  responses: { 200: 'rest/trade/service-order.json' },
  async handler({ db, body, params, principal, bus }) {
    await assertServiceOwns(db, 'trade', ['M04']);
    const run = onKysely(db);
    const uid = principal!.userId;
    const action = ACTIONS[body.action]!;
    const facts = await userFacts(run, uid);
    const isOperator = facts?.groups.has('hp_account.group_hp_operator') ?? false;
    const order = await readOrder(run, params.id);
    if (!order || (!isOperator && order.customer_id !== uid && order.health_worker_id !== uid)) throw problems.notFound(`service order ${params.id} does not exist`);
    const self = [{ id: order.id, name: order.name, state: order.state, healthWorkerId: order.health_worker_id }];
    const refusal = stateRefusal(action, self) ?? callerRefusal(action, self, { uid, isOperator });
    if (refusal) throw refusal.kind === 'state' ? problems.conflict(refusal.message) : problems.forbidden(refusal.message);
    if (action === 'action_assign' && !(await userExists(run, body.workerId!))) throw problems.unprocessable(`Health worker ${body.workerId} does not exist.`);
    const row = await applyTransition(run, params.id, action, uid, body.workerId);
    // Another transition won the race between our read and our guarded update.
    if (!row) throw problems.conflict(`Order ${order.name}: cannot ${body.action.replace('_', ' ')} from its current state.`);
    if (action === 'action_assign') await bus.publish(db, orderAssignedEvent({ id: row.id, customerId: row.customer_id, healthWorkerId: body.workerId!, via: 'operator', grabOrderId: null }));
    if (action === 'action_complete') {
      await bus.publish(db, serviceCompletedEvent({ id: row.id, customerId: row.customer_id, healthWorkerId: row.health_worker_id, serviceId: row.service_id, amount: row.amount, completedAt: odooNow(), completedBy: uid }));
    }
    return { status: 200, body: orderResource(row) };
  },
});
