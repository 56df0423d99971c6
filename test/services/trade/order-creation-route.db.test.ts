import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import { NO_RESERVATION } from '../../../services/trade/saga/finance-not-migrated.ts';
import { serveTradeRest } from './support/trade-rest.ts';
import { startTradeCutoverStack, type TradeCutoverStack } from './support/trade-cutover-stack.ts';

/**
 * POST /trade/service-orders runs the order-creation saga (issue 15): its request's transaction
 * holds verify_user and create_order, the saga's row and the idempotency record; reserve_payment
 * runs after commit. A refusal leaves nothing behind and the answer says which step refused.
 */
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

async function post(uid: number, body: unknown, idempotencyKey?: string) {
  const token = issueToken(rest.keys, { userId: uid, credentialStamp: await credentialStampOf(trade.stack.servicePool, uid) });
  const response = await fetch(`${rest.baseUrl}/trade/service-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, location: response.headers.get('location'), replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as Record<string, unknown>, token };
}

const svc = () => trade.stack.servicePool;
const ordersNoted = async (note: string) => (await svc().query<{ id: number }>('SELECT id FROM service_orders WHERE note = $1 ORDER BY id', [note])).rows.map((r) => r.id);
const sagasNoted = async (note: string) =>
  (await svc().query<{ status: string; outputs: Record<string, unknown>; log: string[] }>(
    `SELECT i.status, i.outputs, array(SELECT l.step || ':' || l.outcome FROM saga_step_log l WHERE l.saga_id = i.id ORDER BY l.id) AS log
       FROM saga_instances i WHERE i.saga = 'order_creation' AND i.input->>'note' = $1 ORDER BY i.id`, [note])).rows;

describe('POST /trade/service-orders runs the order-creation saga', () => {
  it('201 with the order, a Location that resolves, the saga completed; the same Idempotency-Key again replays it: one order, one saga', async () => {
    const note = `saga route ${Date.now()}`;
    const first = await post(6, { serviceId: SERVICE, note }, `create-${note.replaceAll(" ", "-")}`);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ state: 'draft', customerId: 6, serviceId: SERVICE });
    const read = await fetch(`${rest.baseUrl}${first.location}`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: number }).id).toBe(first.body.id);

    const sagas = await sagasNoted(note);
    expect(sagas).toHaveLength(1);
    expect(sagas[0]!.status).toBe('completed');
    expect(sagas[0]!.log).toEqual(['verify_user:done', 'create_order:done', 'reserve_payment:done']);
    expect(sagas[0]!.outputs).toMatchObject({ create_order: { orderId: first.body.id }, reserve_payment: { reservationId: null, note: NO_RESERVATION } });
    const payments = await trade.stack.legacyPool.query(`SELECT 1 FROM payments WHERE source_model = 'hp.service.order' AND source_id = $1`, [first.body.id]);
    expect(payments.rowCount).toBe(0);

    const again = await post(6, { serviceId: SERVICE, note }, `create-${note.replaceAll(" ", "-")}`);
    expect(again).toMatchObject({ status: 201, replayed: 'true', location: first.location, body: first.body });
    expect(await ordersNoted(note)).toEqual([first.body.id]);
    expect(await sagasNoted(note)).toHaveLength(1);
    const events = await svc().query(`SELECT type FROM outbox WHERE aggregate_id = $1`, [`hp.service.order/${first.body.id}`]);
    expect(events.rows.map((r) => r.type)).toEqual(['order_created']);
  });

  it('a member held for review after a failed order is refused at verification: 403, no order, no saga, nothing to compensate', async () => {
    const note = `held ${Date.now()}`;
    await svc().query(`INSERT INTO customer_holds (idempotency_key, user_id, reason) VALUES ($1, 7, 'test: an earlier order failed')`, [`test-hold-${note}`]);
    try {
      const refused = await post(7, { serviceId: SERVICE, note }, `create-${note.replaceAll(" ", "-")}`);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toBe('user 7 is held for review after a failed order');
      expect(await ordersNoted(note)).toEqual([]);
      expect(await sagasNoted(note)).toEqual([]);
      // The refusal was not stored as the key's answer: once the hold is lifted the same key orders.
      await svc().query('DELETE FROM customer_holds WHERE user_id = 7');
      const retried = await post(7, { serviceId: SERVICE, note }, `create-${note.replaceAll(" ", "-")}`);
      expect(retried.status).toBe(201);
      expect(await ordersNoted(note)).toHaveLength(1);
    } finally {
      await svc().query('DELETE FROM customer_holds WHERE user_id = 7');
    }
  });

  it('a create that fails (an archived service) is 422 and leaves nothing: no order, no name drawn into a row, no saga, no event', async () => {
    const note = `archived service ${Date.now()}`;
    const { rows: [archived] } = await svc().query<{ id: number }>('UPDATE health_services SET active = false WHERE id = (SELECT id FROM health_services WHERE active AND id <> $1 ORDER BY id LIMIT 1) RETURNING id', [SERVICE]);
    try {
      const outbox = async () => (await svc().query('SELECT count(*)::int AS n FROM outbox')).rows[0].n as number;
      const before = await outbox();
      const refused = await post(6, { serviceId: archived!.id, note });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toBe(`health service ${archived!.id} does not exist or is archived`);
      expect(await ordersNoted(note)).toEqual([]);
      expect(await sagasNoted(note)).toEqual([]);
      expect(await outbox()).toBe(before);
    } finally {
      await svc().query('UPDATE health_services SET active = true WHERE id = $1', [archived!.id]);
    }
  });
});
