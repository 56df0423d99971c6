import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainMembers, startMallSides, stockProducts, userOfGroup, type MallSides } from './orders-sides.ts';

/**
 * How an order's reservations end, on every side of M09's cut (the drill's findings): many
 * cancels and deliveries of multi-line orders at once over REST and Odoo RPC (lines naming the
 * products in both orders) answer without a deadlock (40P01) or an exhausted serialization retry
 * (40001), and leave every inventory row's reserved equal to what svc_ec's ledger holds; and on
 * the legacy side (before cutover, or after a rollback), a cancel, delivery or line unlink over
 * the monolith's RPC ends the reservations ec made for REST orders there, exactly once.
 */
let sides: MallSides;
let members: number[];
let merchant: number;
const ADMIN = 2;
let D: number;
let E: number;
let key = 0;
const idem = () => ({ 'idempotency-key': `settle-${process.pid}-${(key += 1)}` });

const stockOf = async (pool: MallSides['legacy'], productIds: readonly number[]) =>
  (await pool.query<{ id: number; product_id: number; quantity: number; reserved: number }>('SELECT id, product_id, quantity, reserved FROM inventories WHERE product_id = ANY($1::int4[]) ORDER BY id', [productIds])).rows;
const ledgerOf = async (inventoryIds: readonly number[]) =>
  new Map((await sides.service.query<{ inventory_id: number; q: number }>('SELECT inventory_id, sum(quantity)::float8 AS q FROM mall_reservations WHERE inventory_id = ANY($1::int4[]) GROUP BY inventory_id', [inventoryIds])).rows.map((r) => [r.inventory_id, r.q]));
const ledgerRowsOfOrder = async (orderId: number) => (await sides.service.query('SELECT 1 FROM mall_reservations WHERE order_id = $1', [orderId])).rowCount;

/** Every inventory row of these products holds in reserved exactly what the ledger says its lines hold. */
async function expectReservedAgreesWithLedger(pool: MallSides['legacy'], productIds: readonly number[]) {
  const rows = await stockOf(pool, productIds);
  const ledger = await ledgerOf(rows.map((r) => r.id));
  expect(rows.map((r) => [r.id, r.reserved])).toEqual(rows.map((r) => [r.id, ledger.get(r.id) ?? 0]));
}

beforeAll(async () => {
  sides = await startMallSides('service');
  members = await plainMembers(sides.service, 3);
  merchant = await userOfGroup(sides.service, 'group_hp_merchant');
  const products = (await sides.service.query<{ id: number }>('SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active AND pt.list_price > 0 ORDER BY pp.id LIMIT 2')).rows.map((r) => r.id);
  [D, E] = products as [number, number];
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('after cutover: many cancels and deliveries at once', () => {
  it('answers every one over REST and RPC (no 40P01, no exhausted 40001), cancelled units back, delivered units out of stock, reserved = the ledger', async () => {
    await stockProducts(sides.service, new Map([[D, [{ warehouse: 'ST-D1', quantity: 1000 }]], [E, [{ warehouse: 'ST-E1', quantity: 1000 }]]]));
    const ORDERS = 120;
    // Every order holds the same two inventory rows, its lines naming the products in either order: the most contention there is.
    const linesOf = (n: number) => (n % 2 ? [{ productId: D, quantity: 1 + (n % 3) }, { productId: E, quantity: 1 + (n % 4) }] : [{ productId: E, quantity: 1 + (n % 4) }, { productId: D, quantity: 1 + (n % 3) }]);
    const orders: { id: number; units: number; deliver: boolean; viaRpc: boolean }[] = [];
    for (let n = 0; n < ORDERS; n += 1) {
      const buyer = members[n % members.length]!;
      const lines = linesOf(n);
      const created = await sides.rest('POST', '/orders', buyer, { lines }, idem());
      expect(created.status).toBe(201);
      const deliver = n % 3 !== 0;
      if (deliver) {
        expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_pay', [[created.body.id]])).toBe(true);
        expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_ship', [[created.body.id]])).toBe(true);
      }
      orders.push({ id: created.body.id, units: lines.reduce((s, l) => s + l.quantity, 0), deliver, viaRpc: n % 3 !== 2 });
    }
    const before = await stockOf(sides.service, [D, E]);
    const outcomes = await Promise.all(orders.map(async (o) => {
      const action = o.deliver ? 'deliver' : 'cancel';
      if (o.viaRpc) return sides.serviceRpc(ADMIN, 'hp.mall.order', `action_${action}`, [[o.id]]).then((r) => String(r), (e: unknown) => `rpc ${String((e as Error)?.message ?? e)}`);
      const answer = await sides.rest('POST', `/orders/${o.id}/${action}`, merchant, undefined, idem());
      return answer.status === 200 ? 'true' : `rest ${answer.status} ${JSON.stringify(answer.body)}`;
    }));
    expect(outcomes.filter((o) => o !== 'true')).toEqual([]);
    const after = await stockOf(sides.service, [D, E]);
    const delivered = orders.filter((o) => o.deliver).reduce((s, o) => s + o.units, 0);
    const sum = (rows: typeof before, k: 'quantity' | 'reserved') => rows.reduce((s, r) => s + r[k], 0);
    expect(sum(after, 'quantity')).toBe(sum(before, 'quantity') - delivered);
    expect(sum(after, 'reserved')).toBe(0);
    for (const o of orders) expect(await ledgerRowsOfOrder(o.id)).toBe(0);
    await expectReservedAgreesWithLedger(sides.service, [D, E]);
  }, 240_000);
});

describe('after cutover: an RPC delivery beside a concurrent stock change', () => {
  it('is not retried: its settlement does not run in the call\'s REPEATABLE READ snapshot, so a row changed meanwhile costs a wait, not a 40001', async () => {
    await stockProducts(sides.service, new Map([[D, [{ warehouse: 'RR-D1', quantity: 50 }]]]));
    const shippedOrder = async () => {
      const created = await sides.rest('POST', '/orders', members[0]!, { lines: [{ productId: D, quantity: 2 }] }, idem());
      expect(created.status).toBe(201);
      expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_pay', [[created.body.id]])).toBe(true);
      expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_ship', [[created.body.id]])).toBe(true);
      return created.body.id as number;
    };
    // The engine takes one connection of its pool per attempt of a call: count them around a delivery.
    const pool = sides.service;
    const connect = pool.connect.bind(pool);
    let attempts = 0;
    (pool as { connect: unknown }).connect = (...args: unknown[]) => {
      attempts += 1;
      return (connect as (...a: unknown[]) => unknown)(...args);
    };
    try {
      const quiet = await shippedOrder();
      attempts = 0;
      expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_deliver', [[quiet]])).toBe(true);
      const alone = attempts;
      const contended = await shippedOrder();
      // Another order's change of the same inventory row, committed after the call took its snapshot.
      const other = await pool.connect();
      await other.query('BEGIN');
      await other.query('UPDATE inventories SET reserved = reserved WHERE product_id = $1', [D]);
      attempts = 0;
      const delivering = sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_deliver', [[contended]]);
      await new Promise((r) => setTimeout(r, 500));
      await other.query('COMMIT');
      other.release();
      expect(await delivering).toBe(true);
      expect(attempts).toBe(alone);
    } finally {
      (pool as { connect: unknown }).connect = connect;
    }
    expect((await stockOf(sides.service, [D])).map((r) => [r.quantity, r.reserved])).toEqual([[46, 0]]);
  });
});

describe('the legacy side ends what ec reserved (M09 legacy, or after a rollback)', () => {
  beforeAll(async () => {
    // A rollback's id split: the legacy side continues above every id svc_ec handed out.
    for (const table of ['orders', 'order_lines']) {
      const { rows } = await sides.service.query<{ n: number }>(`SELECT coalesce(max(id), 0)::int AS n FROM ${table}`);
      await sides.legacy.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), greatest($2::int, (SELECT coalesce(max(id), 0) FROM ${table})) + 1000)`, [table, rows[0]!.n]);
    }
    await sides.setOwner('legacy');
    await stockProducts(sides.legacy, new Map([[D, [{ warehouse: 'LG-D1', quantity: 20 }]], [E, [{ warehouse: 'LG-E1', quantity: 20 }]]]));
  });

  it('an RPC cancel on the monolith gives back what a REST order reserved, once; a second cancel is refused and gives nothing', async () => {
    const created = await sides.rest('POST', '/orders', members[0]!, { lines: [{ productId: D, quantity: 3 }, { productId: E, quantity: 2 }] }, idem());
    expect(created.status).toBe(201);
    expect((await stockOf(sides.legacy, [D, E])).map((r) => r.reserved)).toEqual([3, 2]);
    expect(await sides.legacyRpc(members[0]!, 'hp.mall.order', 'action_cancel', [[created.body.id]])).toBe(true);
    expect((await stockOf(sides.legacy, [D, E])).map((r) => [r.quantity, r.reserved])).toEqual([[20, 0], [20, 0]]);
    expect(await ledgerRowsOfOrder(created.body.id)).toBe(0);
    await expect(sides.legacyRpc(members[0]!, 'hp.mall.order', 'action_cancel', [[created.body.id]])).rejects.toBeTruthy();
    expect((await stockOf(sides.legacy, [D, E])).map((r) => r.reserved)).toEqual([0, 0]);
  });

  it('an RPC delivery on the monolith takes the reserved units out of stock; a line unlink gives its units back', async () => {
    const delivered = await sides.rest('POST', '/orders', members[1]!, { lines: [{ productId: D, quantity: 4 }] }, idem());
    const kept = await sides.rest('POST', '/orders', members[1]!, { lines: [{ productId: E, quantity: 5 }, { productId: D, quantity: 1 }] }, idem());
    expect([delivered.status, kept.status]).toEqual([201, 201]);
    expect(await sides.legacyRpc(ADMIN, 'hp.mall.order', 'action_pay', [[delivered.body.id]])).toBe(true);
    expect(await sides.legacyRpc(ADMIN, 'hp.mall.order', 'action_ship', [[delivered.body.id]])).toBe(true);
    expect(await sides.legacyRpc(ADMIN, 'hp.mall.order', 'action_deliver', [[delivered.body.id]])).toBe(true);
    expect((await stockOf(sides.legacy, [D, E])).map((r) => [r.quantity, r.reserved])).toEqual([[16, 1], [20, 5]]);
    const lineOfE = kept.body.lines.find((l: { productId: number }) => l.productId === E).id as number;
    expect(await sides.legacyRpc(members[1]!, 'hp.mall.order.line', 'unlink', [[lineOfE]])).toBe(true);
    expect((await stockOf(sides.legacy, [D, E])).map((r) => [r.quantity, r.reserved])).toEqual([[16, 1], [20, 0]]);
    await expectReservedAgreesWithLedger(sides.legacy, [D, E]);
  });
});
