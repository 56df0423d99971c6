import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notEnoughStockMessage } from '../../../services/ec/domain/inventory-reservations.ts';
import { odooErrorOf, plainMembers, wire, startMallSides, stockProducts, userOfGroup, type MallSides } from './orders-sides.ts';

/**
 * M09's orders after cutover (svc_ec owns them) over REST and over Odoo RPC answered by ec's
 * engine: the same domain functions, the addon's texts, amount_total = sum(subtotals) stored,
 * price_unit defaulting to lst_price, names from svc_ec's counter continuing the legacy ones,
 * stock reserved per warehouse, released on cancel and consumed on delivery, the record rule
 * rule_mall_order_buyer on every REST read. Then the same module in phase legacy: the monolith's
 * answers (no reservation) and finance's payment paying a mall order through ec's legacy rules.
 */
let sides: MallSides;
let members: number[];
let merchant: number;
const ADMIN = 2;
/** Products of the seed: A in two warehouses, B in one, C not stock-managed (no inventory row). */
let A: number;
let B: number;
let C: number;

const inventoryOf = async (pool: MallSides['legacy'], productId: number) =>
  (await pool.query<{ warehouse: string; quantity: number; reserved: number }>('SELECT warehouse, quantity, reserved FROM inventories WHERE product_id = $1 ORDER BY id', [productId])).rows;
const outbox = async (type: string) => (await sides.service.query<{ payload: any }>(`SELECT payload FROM outbox WHERE type = $1 ORDER BY seq`, [type])).rows.map((r) => r.payload);
const listPrice = async (productId: number) => (await sides.service.query<{ p: string }>('SELECT pt.list_price::text AS p FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = $1', [productId])).rows[0]!.p;
let key = 0;
const idem = () => ({ 'idempotency-key': `order-${process.pid}-${(key += 1)}` });

beforeAll(async () => {
  sides = await startMallSides('service');
  members = await plainMembers(sides.service, 3);
  merchant = await userOfGroup(sides.service, 'group_hp_merchant');
  const products = (await sides.service.query<{ id: number }>('SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active AND pt.list_price > 0 ORDER BY pp.id LIMIT 3')).rows.map((r) => r.id);
  [A, B, C] = products as [number, number, number];
  await stockProducts(sides.service, new Map([[A, [{ warehouse: 'BJ-01', quantity: 3 }, { warehouse: 'SH-01', quantity: 5 }]], [B, [{ warehouse: 'GZ-01', quantity: 2 }]]]));
  await sides.service.query('DELETE FROM inventories WHERE product_id = $1', [C]);
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('POST /orders after cutover', () => {
  it('creates the order with the product prices, the sum stored, a name after the legacy ones, the stock reserved in one warehouse per line; the Location resolves and a replay reserves nothing more', async () => {
    const buyer = members[0]!;
    const highest = (await sides.service.query<{ n: string }>(`SELECT max(substring(name from '[0-9]+$')::int)::text AS n FROM orders WHERE name ~ '^MO/[0-9]{4}/[0-9]+$'`)).rows[0]!.n;
    const headers = idem();
    const created = await sides.rest('POST', '/orders', buyer, { lines: [{ productId: A, quantity: 4 }, { productId: B, quantity: 1 }, { productId: C, quantity: 7 }] }, headers);
    expect(created.status).toBe(201);
    const [priceA, priceB, priceC] = [await listPrice(A), await listPrice(B), await listPrice(C)];
    const round2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
    expect(created.body).toMatchObject({
      buyerId: buyer, state: 'draft', currency: 'CNY', paidAt: null,
      name: `MO/${new Date().getUTCFullYear()}/${String(Number(highest) + 1).padStart(5, '0')}`,
      amountTotal: round2(4 * Number(priceA) + Number(priceB) + 7 * Number(priceC)),
    });
    expect(created.body.lines.map((l: any) => [l.productId, l.quantity, Number(l.priceUnit), Number(l.subtotal), l.reservedIn])).toEqual([
      [A, 4, Number(priceA), Number(round2(4 * Number(priceA))), 'SH-01'],
      [B, 1, Number(priceB), Number(priceB), 'GZ-01'],
      [C, 7, Number(priceC), Number(round2(7 * Number(priceC))), null],
    ]);
    expect(await inventoryOf(sides.service, A)).toEqual([{ warehouse: 'BJ-01', quantity: 3, reserved: 0 }, { warehouse: 'SH-01', quantity: 5, reserved: 4 }]);
    expect(await inventoryOf(sides.service, B)).toEqual([{ warehouse: 'GZ-01', quantity: 2, reserved: 1 }]);
    const stored = (await sides.service.query('SELECT amount_total::text AS t, (SELECT sum(subtotal)::text FROM order_lines WHERE order_id = $1) AS s FROM orders WHERE id = $1', [created.body.id])).rows[0];
    expect(stored.t).toBe(stored.s);
    expect((await outbox('inventory_updated')).slice(-2).map((e) => e.data)).toEqual(expect.arrayContaining([
      expect.objectContaining({ productId: A, warehouse: 'SH-01', quantity: 5, reserved: 4 }), expect.objectContaining({ productId: B, warehouse: 'GZ-01', quantity: 2, reserved: 1 }),
    ]));
    expect(created.headers.get('location')).toBe(`/orders/${created.body.id}`);
    const read = await sides.rest('GET', created.headers.get('location')!, buyer);
    expect([read.status, read.body]).toEqual([200, created.body]);
    const replay = await sides.rest('POST', '/orders', buyer, { lines: [{ productId: A, quantity: 4 }, { productId: B, quantity: 1 }, { productId: C, quantity: 7 }] }, headers);
    expect([replay.status, replay.body]).toEqual([201, created.body]);
    expect((await inventoryOf(sides.service, A))[1]!.reserved).toBe(4);
  });

  it('refuses a line no single warehouse can cover with 409 and the reason, and leaves nothing: no order, no reservation', async () => {
    const before = (await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
    // A has 3 free in BJ-01 and 1 in SH-01: 4 in all, but never 4 in one warehouse.
    const refused = await sides.rest('POST', '/orders', members[1]!, { lines: [{ productId: B, quantity: 1 }, { productId: A, quantity: 4 }] }, idem());
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toMatch(/^Not enough stock of .+: 4 requested, no warehouse has that many available\.$/);
    expect(refused.text).not.toMatch(/constraint|inventories_|SELECT|UPDATE/);
    expect((await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(before);
    expect(await inventoryOf(sides.service, B)).toEqual([{ warehouse: 'GZ-01', quantity: 2, reserved: 1 }]);
    expect(await inventoryOf(sides.service, A)).toEqual([{ warehouse: 'BJ-01', quantity: 3, reserved: 0 }, { warehouse: 'SH-01', quantity: 5, reserved: 4 }]);
  });

  it('validates the body (400) and refuses a product that does not exist (422), a member ordering for another buyer (403), all leaving nothing', async () => {
    const before = (await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
    expect((await sides.rest('POST', '/orders', members[0]!, { lines: [] }, idem())).status).toBe(400);
    expect((await sides.rest('POST', '/orders', members[0]!, { lines: [{ productId: A, quantity: 0 }] }, idem())).status).toBe(400);
    expect((await sides.rest('POST', '/orders', members[0]!, { lines: [{ productId: A, quantity: 1 }] })).status).toBe(400);
    const missing = await sides.rest('POST', '/orders', members[0]!, { lines: [{ productId: 987654, quantity: 1 }] }, idem());
    expect([missing.status, missing.body.detail]).toEqual([422, 'product 987654 does not exist']);
    const forOther = await sides.rest('POST', '/orders', members[0]!, { buyerId: members[1]!, lines: [{ productId: B, quantity: 1 }] }, idem());
    expect(forOther.status).toBe(403);
    expect((await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(before);
    expect((await inventoryOf(sides.service, B))[0]!.reserved).toBe(1);
  });
});

describe('GET /orders and GET /orders/{id}: rule_mall_order_buyer', () => {
  it('shows a member their own orders only (another buyer\'s is 404), a merchant every order', async () => {
    const own = await sides.rest('GET', '/orders?limit=200', members[0]!);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(new Set(own.body.items.map((o: any) => o.buyerId))).toEqual(new Set([members[0]!]));
    const total = (await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
    const all = await sides.rest('GET', '/orders?limit=1', merchant);
    expect([all.status, all.body.total]).toEqual([200, total]);
    const others = (await sides.service.query<{ id: number }>('SELECT id FROM orders WHERE buyer_id <> $1 ORDER BY id LIMIT 1', [members[0]!])).rows[0]!.id;
    expect((await sides.rest('GET', `/orders/${others}`, members[0]!)).status).toBe(404);
    expect((await sides.rest('GET', `/orders/${others}`, merchant)).status).toBe(200);
    const drafts = await sides.rest('GET', '/orders?state=draft&limit=200', merchant);
    expect(drafts.body.items.every((o: any) => o.state === 'draft')).toBe(true);
    expect(drafts.body.items.map((o: any) => o.id)).toEqual([...drafts.body.items.map((o: any) => o.id)].sort((a: number, b: number) => b - a));
  });
});

describe('the state machine over REST after cutover', () => {
  it('refuses wrong states with the addon\'s text (409), cancel gives the stock back, delivery takes it out of stock', async () => {
    const buyer = members[1]!;
    const first = await sides.rest('POST', '/orders', buyer, { lines: [{ productId: A, quantity: 2 }] }, idem());
    expect(first.status).toBe(201);
    expect(first.body.lines[0].reservedIn).toBe('BJ-01');
    const ship = await sides.rest('POST', `/orders/${first.body.id}/ship`, buyer, undefined, idem());
    expect([ship.status, ship.body.detail]).toEqual([409, `Order ${first.body.name}: cannot ship from state 'draft'.`]);
    const cancelled = await sides.rest('POST', `/orders/${first.body.id}/cancel`, buyer, undefined, idem());
    expect([cancelled.status, cancelled.body.state, cancelled.body.lines[0].reservedIn]).toEqual([200, 'cancelled', null]);
    expect((await inventoryOf(sides.service, A))[0]).toEqual({ warehouse: 'BJ-01', quantity: 3, reserved: 0 });
    expect((await sides.rest('POST', `/orders/${first.body.id}/cancel`, buyer, undefined, idem())).body.detail).toBe(`Order ${first.body.name}: cannot cancel from state 'cancelled'.`);
    // Another member cannot act on it: it is not theirs to read.
    expect((await sides.rest('POST', `/orders/${first.body.id}/cancel`, members[0]!, undefined, idem())).status).toBe(404);

    const second = await sides.rest('POST', '/orders', buyer, { lines: [{ productId: A, quantity: 3 }] }, idem());
    expect(second.body.lines[0].reservedIn).toBe('BJ-01');
    // Paid through the Odoo face (finance's call of action_pay after cutover), then shipped and delivered over REST.
    expect(await sides.serviceRpc(ADMIN, 'hp.mall.order', 'action_pay', [[second.body.id]])).toBe(true);
    expect((await sides.rest('POST', `/orders/${second.body.id}/ship`, merchant, undefined, idem())).body.state).toBe('shipped');
    const delivered = await sides.rest('POST', `/orders/${second.body.id}/deliver`, merchant, undefined, idem());
    expect([delivered.status, delivered.body.state]).toEqual([200, 'delivered']);
    expect((await inventoryOf(sides.service, A))[0]).toEqual({ warehouse: 'BJ-01', quantity: 0, reserved: 0 });
    const purchased = (await outbox('product_purchased')).find((e) => e.data.orderId === second.body.id);
    expect(purchased?.data).toEqual({
      orderId: second.body.id, name: second.body.name, buyerId: buyer, currency: 'CNY', amountTotal: second.body.amountTotal,
      lines: [{ productId: A, quantity: 3, priceUnit: second.body.lines[0].priceUnit, subtotal: second.body.lines[0].subtotal }],
    });
  });
});

describe('Odoo RPC after cutover (ec\'s engine over svc_ec)', () => {
  it('creates orders with lines as hp_mall does (name, lst_price, subtotal, amount_total), reserves their stock, and refuses a line the stock cannot cover with a UserError', async () => {
    const buyer = members[2]!;
    const id = (await sides.serviceRpc(buyer, 'hp.mall.order', 'create', [{ buyer_id: buyer, line_ids: [[0, 0, { product_id: B, quantity: 1 }], [0, 0, { product_id: C, quantity: 2, price_unit: 10.005 }]] }])) as number;
    const [order] = wire(await sides.serviceRpc(buyer, 'hp.mall.order', 'read', [[id], ['name', 'state', 'amount_total', 'buyer_id', 'currency_id']])) as any[];
    expect(order).toMatchObject({ state: 'draft', buyer_id: [buyer, expect.any(String)], currency_id: [6, 'CNY'] });
    expect(order.name).toMatch(/^MO\/\d{4}\/\d{5}$/);
    const lines = wire(await sides.serviceRpc(buyer, 'hp.mall.order.line', 'search_read', [[['order_id', '=', id]], ['product_id', 'quantity', 'price_unit', 'subtotal', 'currency_id']])) as any[];
    expect(lines.map((l) => [l.product_id[0], l.quantity, l.price_unit, l.subtotal, l.currency_id[0]])).toEqual([
      [B, 1, Number(await listPrice(B)), Number(await listPrice(B)), 6],
      [C, 2, 10.01, 20.02, 6],
    ]);
    expect(order.amount_total).toBeCloseTo(Number(await listPrice(B)) + 20.02, 2);
    expect(await inventoryOf(sides.service, B)).toEqual([{ warehouse: 'GZ-01', quantity: 2, reserved: 2 }]);
    // The stock of B is all held now: another line of it is refused, and the order keeps what it had.
    const refused = await odooErrorOf(sides.serviceRpc(buyer, 'hp.mall.order.line', 'create', [{ order_id: id, product_id: B, quantity: 1 }]));
    expect(refused.name).toBe('odoo.exceptions.UserError');
    expect(refused.message).toMatch(/^Not enough stock of .+: 1 requested, no warehouse has that many available\.$/);
    expect(((await sides.serviceRpc(buyer, 'hp.mall.order.line', 'search_count', [[['order_id', '=', id]]])) as number)).toBe(2);
    // Deleting a line gives its stock back; changing its quantity moves its reservation.
    const lineOfB = lines.find((l) => l.product_id[0] === B)!.id as number;
    expect(await sides.serviceRpc(buyer, 'hp.mall.order.line', 'unlink', [[lineOfB]])).toBe(true);
    expect((await inventoryOf(sides.service, B))[0]!.reserved).toBe(1);
    const lineOfA = (await sides.serviceRpc(buyer, 'hp.mall.order.line', 'create', [{ order_id: id, product_id: A, quantity: 1 }])) as number;
    expect((await inventoryOf(sides.service, A))[1]).toEqual({ warehouse: 'SH-01', quantity: 5, reserved: 5 });
    await sides.serviceRpc(buyer, 'hp.mall.order.line', 'write', [[lineOfA], { quantity: 0 }]);
    expect((await inventoryOf(sides.service, A))[1]).toEqual({ warehouse: 'SH-01', quantity: 5, reserved: 4 });
  });

  it('answers the state machine with the addon\'s texts and classes, checks every record first, and pays only orders with lines', async () => {
    const buyer = members[2]!;
    const empty = (await sides.serviceRpc(buyer, 'hp.mall.order', 'create', [{ buyer_id: buyer }])) as number;
    const withLines = (await sides.serviceRpc(buyer, 'hp.mall.order', 'create', [{ buyer_id: buyer, line_ids: [[0, 0, { product_id: C, quantity: 1 }]] }])) as number;
    const nameOf = async (id: number) => ((await sides.serviceRpc(ADMIN, 'hp.mall.order', 'read', [[id], ['name']])) as any[])[0].name as string;
    expect(await odooErrorOf(sides.serviceRpc(buyer, 'hp.mall.order', 'action_pay', [[withLines, empty]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'An order without lines cannot be paid.' });
    expect(await odooErrorOf(sides.serviceRpc(buyer, 'hp.mall.order', 'action_deliver', [[withLines]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${await nameOf(withLines)}: cannot deliver from state 'draft'.` });
    expect(await sides.serviceRpc(buyer, 'hp.mall.order', 'action_pay', [[withLines]])).toBe(true);
    // `for order in self`: the first order in a wrong state names the refusal; nothing is written.
    expect(await odooErrorOf(sides.serviceRpc(buyer, 'hp.mall.order', 'action_ship', [[withLines, empty, withLines]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${await nameOf(empty)}: cannot ship from state 'draft'.` });
    expect(((await sides.serviceRpc(ADMIN, 'hp.mall.order', 'read', [[withLines], ['state']])) as any[])[0].state).toBe('paid');
    expect(await sides.serviceRpc(buyer, 'hp.mall.order', 'action_ship', [[withLines]])).toBe(true);
    expect(await odooErrorOf(sides.serviceRpc(buyer, 'hp.mall.order', 'action_cancel', [[empty, withLines]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${await nameOf(withLines)}: cannot cancel from state 'shipped'.` });
    expect(((await sides.serviceRpc(ADMIN, 'hp.mall.order', 'read', [[empty], ['state']])) as any[])[0].state).toBe('draft');
    // Another member's order is outside the rule: AccessError, as Odoo answers.
    expect((await odooErrorOf(sides.serviceRpc(members[0]!, 'hp.mall.order', 'action_cancel', [[empty]]))).name).toBe('odoo.exceptions.AccessError');
    const [paid] = (await sides.serviceRpc(ADMIN, 'hp.mall.order', 'read', [[withLines], ['paid_at', 'state']])) as any[];
    expect(paid).toMatchObject({ state: 'shipped', paid_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    expect((await outbox('product_purchased')).some((e) => e.data.orderId === withLines)).toBe(true);
  });
});

describe('phase legacy: the monolith\'s answers', () => {
  beforeAll(async () => {
    // A rollback's id split: the legacy side continues above every id svc_ec handed out (migration/control/sync/id-split.ts).
    for (const table of ['orders', 'order_lines']) {
      const { rows } = await sides.service.query<{ n: number }>(`SELECT coalesce(max(id), 0)::int AS n FROM ${table}`);
      await sides.legacy.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), greatest($2::int, (SELECT coalesce(max(id), 0) FROM ${table})) + 1000)`, [table, rows[0]!.n]);
    }
    await sides.setOwner('legacy');
  });

  it('pays a draft mall order when finance\'s payment succeeds (through ec\'s legacy rules), reserves nothing over RPC and publishes nothing', async () => {
    const buyer = members[0]!;
    const reservedBefore = (await sides.legacy.query('SELECT sum(reserved)::float8 AS r FROM inventories')).rows[0].r;
    const product = (await sides.legacy.query<{ product_id: number; quantity: number; reserved: number }>('SELECT product_id, quantity, reserved FROM inventories ORDER BY id LIMIT 1')).rows[0]!;
    // More than the stock: Odoo's hp_mall never looks at hp.inventory.
    const id = (await sides.legacyRpc(buyer, 'hp.mall.order', 'create', [{ buyer_id: buyer, line_ids: [[0, 0, { product_id: product.product_id, quantity: product.quantity * 10 }]] }])) as number;
    expect((await sides.legacy.query('SELECT sum(reserved)::float8 AS r FROM inventories')).rows[0].r).toBe(reservedBefore);
    const pay = (await sides.legacyRpc(ADMIN, 'hp.payment', 'create', [{ reference: 'T-EC-MALL', payer_id: buyer, amount: 1, source_model: 'hp.mall.order', source_id: id }])) as number;
    const outboxBefore = (await sides.service.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n;
    expect(await sides.legacyRpc(ADMIN, 'hp.payment', 'action_succeed', [[pay]])).toBe(true);
    expect((await sides.legacy.query('SELECT state, paid_at IS NOT NULL AS paid FROM orders WHERE id = $1', [id])).rows[0]).toEqual({ state: 'paid', paid: true });
    expect((await sides.service.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(outboxBefore);
    expect(await odooErrorOf(sides.legacyRpc(ADMIN, 'hp.mall.order', 'action_deliver', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${(await sides.legacy.query('SELECT name FROM orders WHERE id = $1', [id])).rows[0].name}: cannot deliver from state 'paid'.` });
  });

  it('REST orders land on the monolith, named by its ir.sequence, their stock reserved there', async () => {
    const product = (await sides.legacy.query<{ id: number; product_id: number; free: number }>('SELECT id, product_id, (quantity - reserved)::float8 AS free FROM inventories WHERE quantity - reserved >= 2 ORDER BY id LIMIT 1')).rows[0]!;
    const created = await sides.rest('POST', '/orders', members[1]!, { lines: [{ productId: product.product_id, quantity: 2 }] }, idem());
    expect(created.status).toBe(201);
    expect((await sides.legacy.query('SELECT name, amount_total::text AS t FROM orders WHERE id = $1', [created.body.id])).rows[0]).toEqual({ name: created.body.name, t: created.body.amountTotal });
    expect((await sides.legacy.query('SELECT (quantity - reserved)::float8 AS free FROM inventories WHERE id = $1', [product.id])).rows[0].free).toBe(product.free - 2);
    const refused = await sides.rest('POST', '/orders', members[1]!, { lines: [{ productId: product.product_id, quantity: 1e6 }] }, idem());
    expect(refused.status).toBe(409);
    const productName = (await sides.legacy.query(`SELECT pt.name->>'en_US' AS n FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = $1`, [product.product_id])).rows[0].n;
    expect(refused.body.detail).toBe(notEnoughStockMessage(productName, 1e6));
  });
});
