import { assertServiceOwns, defineRoute, problems } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { grabStore, lockOrders } from '../db/grab-store.ts';
import { build, onKysely } from '../db/sql-runner.ts';
import { decideGrabs } from '../domain/grab-orders.ts';
import { restOrderEffects } from './rest-order-store.ts';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';

/**
 * POST /trade/grab-orders: the calling coach grabs an order, decided at once by the use case an
 * Odoo client's hp.grab.order create runs (domain/grab-orders.ts `decideGrabs`): won when the
 * order was still paid and unassigned, lost otherwise, order_assigned published when won. A
 * second grab of the same order by the same coach is the legacy unique constraint: 409.
 */
export const createGrabOrder = defineRoute<TradeDatabase, { serviceOrderId: number }>({
  method: 'post',
  path: '/trade/grab-orders',
  summary: 'Grab a paid, unassigned service order as the calling coach; the answer says won or lost',
  auth: 'bearer',
  body: 'rest/trade/grab-order-create.json',
  responses: { 201: 'rest/trade/grab-order.json' },
  async handler(ctx) {
    const { db, body, principal, access } = ctx;
    // A grab writes M20's grab and assigns M04's order.
    await assertServiceOwns(db, 'trade', ['M04', 'M20']);
    const run = onKysely(db);
    const coach = principal!.userId;
    // hp_grab's ACL: coaches create grabs (members and operators do not).
    await access!.check('hp.grab.order', 'create');
    await lockOrders(run, [body.serviceOrderId]);
    const [order] = await run.run(build.selectFrom('service_orders').select('id').where('id', '=', body.serviceOrderId));
    if (!order) throw problems.unprocessable(`service order ${body.serviceOrderId} does not exist`);
    const now = odooNow();
    const [grab] = await run.run(
      build.insertInto('grab_orders')
        .values({ service_order_id: body.serviceOrderId, coach_id: coach, state: 'requested', requested_at: now, create_uid: coach, write_uid: coach, create_date: now, write_date: now })
        .onConflict((oc) => oc.columns(['service_order_id', 'coach_id']).doNothing())
        .returning('id'),
    );
    if (!grab) throw problems.conflict('A coach can grab an order only once.');
    await access!.check('hp.grab.order', 'create', [grab.id], 'grab');
    const [decision] = await decideGrabs(grabStore(run), restOrderEffects(ctx), [{ id: grab.id, serviceOrderId: body.serviceOrderId, coachId: coach }], coach);
    return { status: 201, body: { id: grab.id, serviceOrderId: body.serviceOrderId, coachId: coach, state: decision!.state }, headers: { location: `/trade/grab-orders/${grab.id}` } };
  },
});

/** GET /trade/grab-orders/:id: a grab, when the caller's read rules include it (coaches their own, operators all). */
export const getGrabOrder = defineRoute<TradeDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/trade/grab-orders/:id',
  summary: 'Read one grab (hp.grab.order)',
  auth: 'bearer',
  params: 'rest/trade/id-params.json',
  responses: { 200: 'rest/trade/grab-order.json' },
  async handler({ db, params, access }) {
    await access!.check('hp.grab.order', 'read', [params.id], 'grab');
    const [grab] = await onKysely(db).run(build.selectFrom('grab_orders').select(['id', 'service_order_id', 'coach_id', 'state']).where('id', '=', params.id));
    if (!grab) throw problems.notFound(`grab ${params.id} does not exist`);
    return { status: 200, body: { id: grab.id, serviceOrderId: grab.service_order_id, coachId: grab.coach_id, state: grab.state } };
  },
});
