import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import { serveTradeRest } from './support/trade-rest.ts';
import { startTradeCutoverStack, type TradeCutoverStack } from './support/trade-cutover-stack.ts';

/**
 * One implementation per use case (issue 15): the same order life cycles driven over REST and
 * over Odoo RPC through the gateway (M04+M20 cut over to trade) leave the same rows and publish
 * the same events, modulo ids, names and timestamps. Completing an order over REST awards the
 * customer floor(amount) points in the monolith's ledger exactly as RPC's action_complete does.
 */
const MEMBER = 6;
const ADMIN = 2; // hp admin: the operator's rights (mark_paid, assign, refund) and start/complete as an operator
const COACH = 246;
const SERVICE = 8;

let trade: TradeCutoverStack;
let rest: Awaited<ReturnType<typeof serveTradeRest>>;

beforeAll(async () => {
  trade = await startTradeCutoverStack();
  rest = await serveTradeRest(trade.service.url, trade.stack.legacyPool);
}, 120_000);
afterAll(async () => {
  await rest?.stop();
  await trade?.stop();
});

type Step = { action: string; uid: number; workerId?: number };
const LIFECYCLES: Record<string, Step[]> = {
  completed: [
    { action: 'submit', uid: MEMBER }, { action: 'mark_paid', uid: ADMIN }, { action: 'assign', uid: ADMIN, workerId: COACH },
    { action: 'start', uid: COACH }, { action: 'complete', uid: COACH },
  ],
  refunded: [{ action: 'submit', uid: MEMBER }, { action: 'mark_paid', uid: ADMIN }, { action: 'refund', uid: ADMIN }],
  cancelled: [{ action: 'submit', uid: MEMBER }, { action: 'cancel', uid: MEMBER }],
};

/** Over Odoo RPC, through the gateway's phase-aware dispatch (as /jsonrpc execute_kw after authentication). */
async function viaRpc(steps: Step[]): Promise<number> {
  const call = (uid: number, method: string, args: unknown[]) =>
    trade.stack.runtime.handlerFor({ name: 'hp_legacy', pool: trade.stack.legacyPool })({ database: 'hp_legacy', uid, model: 'hp.service.order', method, args, kwargs: {} });
  const id = (await call(MEMBER, 'create', [{ customer_id: MEMBER, service_id: SERVICE }])) as number;
  for (const step of steps) {
    expect(await call(step.uid, `action_${step.action}`, step.workerId ? [[id], step.workerId] : [[id]])).toBe(true);
  }
  return id;
}

async function viaRest(steps: Step[]): Promise<number> {
  const token = async (uid: number) => issueToken(rest.keys, { userId: uid, credentialStamp: await credentialStampOf(trade.stack.servicePool, uid) });
  const send = async (uid: number, method: string, path: string, body: unknown) => {
    const response = await fetch(`${rest.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(uid)}` }, body: JSON.stringify(body) });
    const text = await response.text();
    expect(response.status, `${method} ${path} ${text}`).toBeLessThan(300);
    return JSON.parse(text) as { id: number };
  };
  const { id } = await send(MEMBER, 'POST', '/trade/service-orders', { serviceId: SERVICE });
  for (const step of steps) await send(step.uid, 'PUT', `/trade/orders/${id}/status`, { action: step.action, ...(step.workerId ? { workerId: step.workerId } : {}) });
  return id;
}

/** Everything the life cycle left, with what must differ (ids, names, times) taken out. */
async function footprint(orderId: number) {
  const svc = trade.stack.servicePool;
  const legacy = trade.stack.legacyPool;
  const order = (await svc.query(`SELECT customer_id, health_worker_id, service_id, currency_id, rating, create_uid, write_uid, state, note, amount::text,
      ordered_at IS NOT NULL AS ordered, completed_at IS NOT NULL AS completed, name ~ '^SO/[0-9]{4}/[0-9]{5,}$' AS named FROM service_orders WHERE id = $1`, [orderId])).rows;
  const appointments = (await svc.query('SELECT customer_id, health_worker_id, state, location, online FROM appointments WHERE order_id = $1 ORDER BY id', [orderId])).rows;
  const grabs = (await svc.query('SELECT coach_id, state, create_uid FROM grab_orders WHERE service_order_id = $1 ORDER BY id', [orderId])).rows;
  const points = (await legacy.query(`SELECT user_id, delta, reason, ref_model, create_uid, write_uid FROM points_transactions WHERE ref_model = 'hp.service.order' AND ref_id = $1 ORDER BY id`, [orderId])).rows;
  // Creating an order writes no hp.payment on either edge (REST's saga reserves nothing until finance exists).
  const payments = (await legacy.query(`SELECT state, amount::text FROM payments WHERE source_model = 'hp.service.order' AND source_id = $1 ORDER BY id`, [orderId])).rows;
  const events = (await svc.query<{ type: string; payload: { data: Record<string, unknown>; source: string; subject: string; type: string } }>(
    'SELECT type, payload FROM outbox WHERE aggregate_id = $1 ORDER BY seq', [`hp.service.order/${orderId}`],
  )).rows.map((e) => {
    const { orderId: eventOrder, name, orderedAt, completedAt, grabOrderId, ...data } = e.payload.data;
    expect(eventOrder).toBe(orderId);
    return { type: e.type, source: e.payload.source, data, grab: grabOrderId === undefined || grabOrderId === null ? grabOrderId : 'a grab id', named: name === undefined || /^SO\//.test(String(name)), timed: [orderedAt, completedAt].every((t) => t === undefined || !Number.isNaN(Date.parse(String(t)))) };
  });
  return { order, appointments, grabs, points, payments, events };
}

describe('the same order life cycle over REST and over Odoo RPC', () => {
  for (const [name, steps] of Object.entries(LIFECYCLES)) {
    it(`${name}: same rows (orders, appointments, grabs, points, payments) and same outbox events`, async () => {
      const rpc = await footprint(await viaRpc(steps));
      const overRest = await footprint(await viaRest(steps));
      expect(overRest).toEqual(rpc);
      if (name === 'completed') {
        // 99 CNY: 99 points for the customer, written by the legacy adapter as hp_points does, once per order.
        expect(rpc.points).toEqual([{ user_id: MEMBER, delta: 99, reason: 'order', ref_model: 'hp.service.order', create_uid: COACH, write_uid: COACH }]);
        expect(rpc.events.map((e) => e.type)).toEqual(['order_created', 'order_assigned', 'service_completed']);
      }
      expect(rpc.order[0].state).toBe(name);
      expect(rpc.payments).toEqual([]);
    });
  }

  it('grabbed: a coach grabbing a paid order over REST and over RPC runs the same decision (same grab, order and order_assigned event)', async () => {
    const paid = [{ action: 'submit', uid: MEMBER }, { action: 'mark_paid', uid: ADMIN }];
    const rpcOrder = await viaRpc(paid);
    const rpcGrab = (await trade.stack.runtime.handlerFor({ name: 'hp_legacy', pool: trade.stack.legacyPool })({
      database: 'hp_legacy', uid: COACH, model: 'hp.grab.order', method: 'create', args: [{ service_order_id: rpcOrder, coach_id: COACH }], kwargs: {},
    })) as number;
    expect(rpcGrab).toBeGreaterThan(0);
    const restOrder = await viaRest(paid);
    const response = await fetch(`${rest.baseUrl}/trade/grab-orders`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(rest.keys, { userId: COACH })}` }, body: JSON.stringify({ serviceOrderId: restOrder }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { state: string }).state).toBe('won');
    const rpc = await footprint(rpcOrder);
    expect(await footprint(restOrder)).toEqual(rpc);
    expect(rpc.grabs).toEqual([{ coach_id: COACH, state: 'won', create_uid: COACH }]);
    expect(rpc.order[0].state).toBe('assigned');
    expect(rpc.events.map((e) => e.type)).toEqual(['order_created', 'order_assigned']);
    expect(rpc.events[1]!.data).toMatchObject({ assignedVia: 'grab', healthWorkerId: COACH });
  });

  it('the same refusals, in each protocol\'s words', async () => {
    const call = (uid: number, method: string, args: unknown[]) =>
      trade.stack.runtime.handlerFor({ name: 'hp_legacy', pool: trade.stack.legacyPool })({ database: 'hp_legacy', uid, model: 'hp.service.order', method, args, kwargs: {} });
    const rpcOrder = (await call(MEMBER, 'create', [{ customer_id: MEMBER, service_id: SERVICE }])) as number;
    const restOrder = await viaRest([]);
    const names = (await trade.stack.servicePool.query<{ id: number; name: string }>('SELECT id, name FROM service_orders WHERE id = ANY($1)', [[rpcOrder, restOrder]])).rows;
    const nameOf = (id: number) => names.find((n) => n.id === id)!.name;
    const restCall = async (uid: number, id: number, body: unknown) => {
      const token = issueToken(rest.keys, { userId: uid });
      const response = await fetch(`${rest.baseUrl}/trade/orders/${id}/status`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
    };
    // Wrong state: UserError over RPC, 409 over REST, the same sentence.
    const rpcState = await call(ADMIN, 'action_mark_paid', [[rpcOrder]]).catch((e: { message: string; exceptionName?: string }) => e);
    const restState = await restCall(ADMIN, restOrder, { action: 'mark_paid' });
    expect(restState.status).toBe(409);
    expect((rpcState as { exceptionName: string }).exceptionName).toBe('odoo.exceptions.UserError');
    expect((rpcState as Error).message.replace(nameOf(rpcOrder), 'NAME')).toBe(restState.detail.replace(nameOf(restOrder), 'NAME'));
    // Wrong caller: AccessError over RPC, 403 over REST, the same sentence.
    await call(MEMBER, 'action_submit', [[rpcOrder]]);
    await restCall(MEMBER, restOrder, { action: 'submit' });
    const rpcCaller = await call(MEMBER, 'action_mark_paid', [[rpcOrder]]).catch((e: Error) => e);
    const restCaller = await restCall(MEMBER, restOrder, { action: 'mark_paid' });
    expect(restCaller.status).toBe(403);
    expect((rpcCaller as { exceptionName: string }).exceptionName).toBe('odoo.exceptions.AccessError');
    expect((rpcCaller as Error).message).toBe(restCaller.detail);
  });
});
