import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { onQueryable } from '../../../services/ec/db/sql-runner.ts';
import { sweepAbandonedReservations } from '../../../services/ec/domain/inventory-reservations.ts';
import { plainMembers, startMallSides, stockProducts, type MallSides } from './orders-sides.ts';

/**
 * Issue 25's bar 2, after M09's cutover: 2,000 concurrent orders for 10 products with 100 units
 * each (two warehouses of 50), half over REST (POST /orders) and half over Odoo RPC (ec's engine,
 * hp.mall.order create with its line), exactly 1,000 succeed, no inventory goes below zero or
 * past its quantity, and no answer carries a database error: every refusal is the stock's, as a
 * 409 problem or a UserError. Then multi-line orders in shuffled product order, which lock
 * several inventory rows each: no deadlock reaches a client and every reserved unit is accounted
 * for by exactly one order line.
 */
let sides: MallSides;
let members: number[];
let products: number[];

/** One client's answer, kept whole so every one can be scanned. */
interface Outcome {
  via: 'rest' | 'rpc';
  ok: boolean;
  status: number | null;
  /** REST: the media type; RPC: the exception class. */
  kind: string;
  /** The problem's detail or the exception's message. */
  detail: string;
  /** Everything the client received. */
  text: string;
}

const STOCK_REFUSAL = /^Not enough stock of .+: \d+(\.\d+)? requested, no warehouse has that many available\.$/;
const DATABASE_WORDS = /constraint|violat|deadlock|inventories_|reserved_le_quantity|duplicate key|SQL|SELECT|UPDATE|stack|\.ts:/i;

async function inParallel<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  }));
  return results;
}

/** The gateway admits 16 calls per database at a time and queues the rest (odoo-bridge/admission): the RPC side here does the same. */
const ADMITTED_CALLS = 16;
let callsInFlight = 0;
const callQueue: (() => void)[] = [];
async function admitted<T>(work: () => Promise<T>): Promise<T> {
  if (callsInFlight >= ADMITTED_CALLS) await new Promise<void>((resolve) => callQueue.push(resolve));
  callsInFlight += 1;
  try {
    return await work();
  } finally {
    callsInFlight -= 1;
    callQueue.shift()?.();
  }
}

async function order(i: number, lines: { productId: number; quantity: number }[], buyer: number): Promise<Outcome> {
  if (i % 2 === 0) {
    const answer = await sides.rest('POST', '/orders', buyer, { lines }, { 'idempotency-key': `oversell-${process.pid}-${i}-${lines.length}` });
    const ok = answer.status === 201;
    return { via: 'rest', ok, status: answer.status, kind: answer.headers.get('content-type') ?? '', detail: ok ? '' : String(answer.body?.detail ?? ''), text: ok ? '' : answer.text };
  }
  try {
    const id = await admitted(() => sides.serviceRpc(buyer, 'hp.mall.order', 'create', [{ buyer_id: buyer, line_ids: lines.map((l) => [0, 0, { product_id: l.productId, quantity: l.quantity }]) }]));
    const ok = typeof id === 'number';
    return { via: 'rpc', ok, status: null, kind: ok ? '' : 'unexpected answer', detail: '', text: ok ? '' : JSON.stringify(id) };
  } catch (error) {
    if (error instanceof OdooError) return { via: 'rpc', ok: false, status: null, kind: error.exceptionName, detail: error.message, text: error.message };
    return { via: 'rpc', ok: false, status: null, kind: 'not an Odoo error', detail: '', text: String(error) };
  }
}

/** Every refusal is the stock's, in its protocol's words; nothing of the database reaches a client. */
function expectOnlyStockRefusals(outcomes: readonly Outcome[]): void {
  const wrong = outcomes.filter((o) => {
    if (o.ok) return false;
    if (o.via === 'rest') return !(o.status === 409 && o.kind.startsWith('application/problem+json') && STOCK_REFUSAL.test(o.detail));
    return !(o.kind === 'odoo.exceptions.UserError' && STOCK_REFUSAL.test(o.detail));
  });
  expect(wrong.slice(0, 5)).toEqual([]);
  // Product names are the seed's; nothing else in an answer may speak of the database.
  expect(outcomes.filter((o) => DATABASE_WORDS.test(o.text.replace(/Not enough stock of [^:]+:/g, ''))).slice(0, 5)).toEqual([]);
}

const stockOf = async (ids: readonly number[]) =>
  (await sides.service.query<{ id: number; product_id: number; quantity: number; reserved: number }>('SELECT id, product_id, quantity, reserved FROM inventories WHERE product_id = ANY($1::int4[]) ORDER BY id', [ids])).rows;

beforeAll(async () => {
  sides = await startMallSides('service');
  members = await plainMembers(sides.service, 8);
  products = (await sides.service.query<{ id: number }>('SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active AND pt.list_price > 0 ORDER BY pp.id LIMIT 15')).rows.map((r) => r.id);
  expect(products.length).toBe(15);
  expect(members.length).toBe(8);
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('oversell (bar 2)', () => {
  it('2,000 concurrent single-unit orders, REST and RPC mixed, for 10 products of 100 units: exactly 1,000 succeed, stock never below zero or past its quantity, every refusal the stock\'s', async () => {
    const ten = products.slice(0, 10);
    await stockProducts(sides.service, new Map(ten.map((id) => [id, [{ warehouse: 'BJ-01', quantity: 50 }, { warehouse: 'SH-01', quantity: 50 }]])));
    const ordersBefore = (await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n as number;
    const started = Date.now();
    const outcomes = await inParallel(2000, 64, (i) => order(i, [{ productId: ten[i % 10]!, quantity: 1 }], members[i % members.length]!));
    const seconds = (Date.now() - started) / 1000;
    console.log(`oversell: 2000 orders in ${seconds.toFixed(1)} s (${(2000 / seconds).toFixed(0)}/s)`);

    expect(outcomes.filter((o) => o.ok).length).toBe(1000);
    expect(outcomes.filter((o) => o.ok && o.via === 'rest').length + outcomes.filter((o) => o.ok && o.via === 'rpc').length).toBe(1000);
    expect(outcomes.filter((o) => o.via === 'rest').length).toBe(1000);
    expectOnlyStockRefusals(outcomes);
    const stock = await stockOf(ten);
    expect(stock.length).toBe(20);
    for (const row of stock) expect([row.quantity, row.reserved], `inventory ${row.id}`).toEqual([50, 50]);
    expect((await sides.service.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(ordersBefore + 1000);
    const perProduct = (await sides.service.query<{ product_id: number; lines: number; held: number }>(
      `SELECT l.product_id, count(*)::int AS lines, count(r.line_id)::int AS held FROM order_lines l LEFT JOIN mall_reservations r ON r.line_id = l.id
        WHERE l.product_id = ANY($1::int4[]) AND l.order_id > (SELECT max(id) - 2000 FROM orders) AND l.create_date > now() at time zone 'UTC' - interval '1 hour'
        GROUP BY l.product_id ORDER BY l.product_id`, [ten])).rows;
    expect(perProduct.map((p) => [p.product_id, p.held])).toEqual(ten.map((id) => [id, 100]));
  }, 240_000);

  it('multi-line orders in shuffled product order lock several rows each: no deadlock or database error reaches a client, each reserved unit belongs to exactly one line', async () => {
    const five = products.slice(10, 15);
    await stockProducts(sides.service, new Map(five.map((id) => [id, [{ warehouse: 'GZ-01', quantity: 40 }, { warehouse: 'BJ-01', quantity: 20 }]])));
    // A fixed pseudo-random stream, so a failure can be replayed.
    let seed = 20261206;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const plans = Array.from({ length: 240 }, () => {
      const picked = [...five].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 3));
      return picked.map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 4) }));
    });
    const outcomes = await inParallel(plans.length, 60, (i) => order(i, plans[i]!, members[i % members.length]!));
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThan(0);
    expectOnlyStockRefusals(outcomes);
    // What the next reservation does first: units of calls that rolled back after reserving (a retried attempt) go back.
    await sweepAbandonedReservations(onQueryable(sides.service));
    const stock = await stockOf(five);
    for (const row of stock) expect(row.reserved >= 0 && row.reserved <= row.quantity, `inventory ${row.id}`).toBe(true);
    const ledger = (await sides.service.query<{ inventory_id: number; held: number }>(
      'SELECT inventory_id, sum(quantity)::float8 AS held FROM mall_reservations WHERE inventory_id = ANY($1::int4[]) GROUP BY inventory_id', [stock.map((s) => s.id)])).rows;
    const heldBy = new Map(ledger.map((l) => [l.inventory_id, l.held]));
    for (const row of stock) expect(row.reserved, `inventory ${row.id}`).toBe(heldBy.get(row.id) ?? 0);
    // The successful orders' lines are exactly the ledger's, unit for unit.
    const linesHeld = (await sides.service.query<{ units: number }>(
      'SELECT coalesce(sum(l.quantity), 0)::float8 AS units FROM order_lines l JOIN mall_reservations r ON r.line_id = l.id WHERE l.product_id = ANY($1::int4[])', [five])).rows[0]!.units;
    expect(linesHeld).toBe(stock.reduce((sum, row) => sum + row.reserved, 0));
  }, 240_000);
});
