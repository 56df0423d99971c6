import type { SqlRunner } from '../db/sql-runner.ts';
import { reserveLines } from './inventory-reservations.ts';
import { inventoryUpdatedEvents, type MallEventSink } from './mall-events.ts';
import { MallRefused } from './mall-refusal.ts';
import { lstPrices } from './product-prices.ts';

export interface MallOrderLineInput {
  productId: number;
  quantity: number;
  /** Defaults to the product's lst_price, as hp.mall.order.line's create does. */
  priceUnit?: string | number;
}

export interface MallOrderInput {
  buyerId: number;
  currencyId: number;
  lines: readonly MallOrderLineInput[];
}

export interface CreatedMallOrder {
  id: number;
  name: string;
  lineIds: number[];
}

const NOW = `(now() at time zone 'UTC')`;

/**
 * A mall order with its lines, as `hp.mall.order.create({..., 'line_ids': [Command.create(...)]})`
 * stores it: the name drawn from the mall's sequence (`name`, drawn by the caller on the rows'
 * side), state draft, each line's price_unit the product's lst_price unless given, rounded to
 * the currency as a Monetary is, subtotal = quantity * price_unit and amount_total = sum of
 * subtotals, stored. Then ec's addition: every line of a stocked product reserves its quantity
 * in one warehouse (domain/inventory-reservations.ts), or the whole order is refused (nothing is
 * left: the caller's transaction rolls back). `rows` holds M09's tables, `ledger` svc_ec.
 */
export async function createMallOrder(rows: SqlRunner, ledger: SqlRunner, events: MallEventSink, input: MallOrderInput, ctx: { uid: number; name: string }): Promise<CreatedMallOrder> {
  const prices = await lstPrices(rows, input.lines.map((l) => l.productId));
  for (const line of input.lines) if (!prices.has(line.productId)) throw new MallRefused('invalid', `product ${line.productId} does not exist`);
  const [order] = await rows.raw<{ id: number }>(
    `INSERT INTO orders (name, buyer_id, currency_id, state, amount_total, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, 'draft', 0, $4, $4, ${NOW}, ${NOW}) RETURNING id`,
    [ctx.name, input.buyerId, input.currencyId, ctx.uid],
  );
  const orderId = order!.id;
  const inserted = await rows.raw<{ id: number; product_id: number; quantity: number }>(
    `WITH c AS (SELECT decimal_places AS dp FROM res_currency WHERE id = $2)
     INSERT INTO order_lines (order_id, product_id, quantity, price_unit, subtotal, currency_id, create_uid, write_uid, create_date, write_date)
     SELECT $1, v.product_id, v.quantity, round(v.price_unit, COALESCE(c.dp, 2)), round(v.quantity::numeric * round(v.price_unit, COALESCE(c.dp, 2)), COALESCE(c.dp, 2)), $2, $3, $3, ${NOW}, ${NOW}
       FROM unnest($4::int4[], $5::float8[], $6::numeric[]) WITH ORDINALITY AS v(product_id, quantity, price_unit, n) LEFT JOIN c ON TRUE
      ORDER BY v.n
     RETURNING id, product_id, quantity`,
    [orderId, input.currencyId, ctx.uid, input.lines.map((l) => l.productId), input.lines.map((l) => l.quantity), input.lines.map((l) => String(l.priceUnit ?? prices.get(l.productId)))],
  );
  await rows.raw(
    `UPDATE orders o SET amount_total = COALESCE(round(t.total, (SELECT decimal_places FROM res_currency WHERE id = o.currency_id)), t.total)
       FROM (SELECT COALESCE(sum(subtotal), 0) AS total FROM order_lines WHERE order_id = $1) t WHERE o.id = $1`,
    [orderId],
  );
  const changed = await reserveLines(rows, ledger, inserted.map((l) => ({ lineId: l.id, orderId, productId: l.product_id, quantity: Number(l.quantity) })), ctx.uid);
  await events.publish(inventoryUpdatedEvents(changed));
  return { id: orderId, name: ctx.name, lineIds: inserted.map((l) => l.id).sort((a, b) => a - b) };
}
