import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { MallOrderState } from '../db/tables.ts';

/** A mall order as REST shows it. */
export interface OrderResource {
  id: number;
  name: string;
  buyerId: number;
  state: MallOrderState;
  currency: string;
  amountTotal: string;
  paidAt: string | null;
  createdAt: string | null;
  lines: {
    id: number; productId: number; productName: string; quantity: number; priceUnit: string; subtotal: string;
    /** The warehouse whose stock the line holds (ec's reservation), null when it holds none. */
    reservedIn: string | null;
  }[];
}

const iso = (value: string | Date | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString().replace(/\.\d{3}Z$/, 'Z') : `${String(value).replace(' ', 'T').slice(0, 19)}Z`;

interface OrderRow { id: number; name: string; buyer_id: number; state: MallOrderState; currency: string | null; amount_total: string | null; paid_at: string | Date | null; create_date: string | Date | null; total?: string }

/**
 * Orders with their lines, read on M09's home (`rows`); which warehouse each line holds is read
 * from svc_ec's reservation ledger (`ledger`), the inventory rows' warehouse names on the home.
 */
async function withLines(rows: Kysely<any>, ledger: Kysely<any>, orders: readonly OrderRow[], lang: string): Promise<OrderResource[]> {
  const ids = orders.map((o) => o.id);
  if (!ids.length) return [];
  const { rows: lines } = await sql<{ id: number; order_id: number; product_id: number; product_name: string | null; default_code: string | null; quantity: number | null; price_unit: string | null; subtotal: string | null }>`
    SELECT l.id, l.order_id, l.product_id, COALESCE(pt.name->>${lang}, pt.name->>'en_US') AS product_name, pp.default_code,
           l.quantity, COALESCE(l.price_unit, 0)::text AS price_unit, COALESCE(l.subtotal, 0)::text AS subtotal
      FROM order_lines l LEFT JOIN product_product pp ON pp.id = l.product_id LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE l.order_id = ANY(${ids}::int4[]) ORDER BY l.order_id, l.id`.execute(rows);
  const { rows: held } = await sql<{ line_id: number; inventory_id: number }>`
    SELECT line_id, inventory_id FROM mall_reservations WHERE line_id = ANY(${lines.map((l) => l.id)}::int4[])`.execute(ledger);
  const { rows: warehouses } = await sql<{ id: number; warehouse: string }>`
    SELECT id, warehouse FROM inventories WHERE id = ANY(${held.map((h) => h.inventory_id)}::int4[])`.execute(rows);
  const warehouseOf = new Map(warehouses.map((w) => [w.id, w.warehouse]));
  const reservedIn = new Map(held.map((h) => [h.line_id, warehouseOf.get(h.inventory_id) ?? null]));
  return orders.map((o) => ({
    id: o.id, name: o.name, buyerId: o.buyer_id, state: o.state, currency: o.currency ?? 'CNY', amountTotal: o.amount_total ?? '0',
    paidAt: iso(o.paid_at), createdAt: iso(o.create_date),
    lines: lines.filter((l) => l.order_id === o.id).map((l) => ({
      id: l.id, productId: l.product_id, productName: l.default_code ? `[${l.default_code}] ${l.product_name ?? ''}` : l.product_name ?? '',
      quantity: Number(l.quantity ?? 0), priceUnit: l.price_unit ?? '0', subtotal: l.subtotal ?? '0', reservedIn: reservedIn.get(l.id) ?? null,
    })),
  }));
}

const ORDER_COLUMNS = sql`o.id, o.name, o.buyer_id, o.state, c.name AS currency, COALESCE(o.amount_total, 0)::text AS amount_total, o.paid_at, o.create_date`;

export async function readOrderResource(rows: Kysely<any>, ledger: Kysely<any>, id: number, lang = 'en_US'): Promise<OrderResource | undefined> {
  const { rows: found } = await sql<OrderRow>`SELECT ${ORDER_COLUMNS} FROM orders o LEFT JOIN res_currency c ON c.id = o.currency_id WHERE o.id = ${id}`.execute(rows);
  return (await withLines(rows, ledger, found, lang))[0];
}

export interface OrderListFilters {
  state?: MallOrderState;
  buyerId?: number;
  limit: number;
  offset: number;
  lang: string;
}

/** A page of the orders the caller's read rules include (`visible`, over alias `o`), in hp.mall.order's order (id desc). */
export async function listOrderResources(rows: Kysely<any>, ledger: Kysely<any>, visible: RawBuilder<boolean>, filters: OrderListFilters): Promise<{ items: OrderResource[]; total: number; limit: number; offset: number }> {
  const conditions = [visible];
  if (filters.state) conditions.push(sql`o.state = ${filters.state}`);
  if (filters.buyerId) conditions.push(sql`o.buyer_id = ${filters.buyerId}`);
  const where = sql.join(conditions, sql` AND `);
  const { rows: found } = await sql<OrderRow>`
    SELECT ${ORDER_COLUMNS} FROM orders o LEFT JOIN res_currency c ON c.id = o.currency_id WHERE ${where} ORDER BY o.id DESC LIMIT ${filters.limit} OFFSET ${filters.offset}`.execute(rows);
  const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM orders o WHERE ${where}`.execute(rows);
  return { items: await withLines(rows, ledger, found, filters.lang), total: Number(counted[0]?.n ?? 0), limit: filters.limit, offset: filters.offset };
}

/** The orders' facts for the state machine, locked for the request (a concurrent REST action on the same order waits, then sees its result). */
export async function lockOrderFacts(rows: Kysely<any>, ids: readonly number[]): Promise<Map<number, { id: number; name: string | null; state: MallOrderState }>> {
  const { rows: found } = await sql<{ id: number; name: string | null; state: MallOrderState }>`
    SELECT id, name, state FROM orders WHERE id = ANY(${[...new Set(ids)]}::int4[]) ORDER BY id FOR UPDATE`.execute(rows);
  return new Map(found.map((r) => [r.id, r]));
}
