import type { CallContext } from '../../call-context.ts';
import { roundTo } from './float-round.ts';
import { companyTaxSettings, currencyInfo, linkedIds, taxesById } from './sale-tax-data.ts';
import type { TaxInfo } from './tax-details.ts';
import { lineTaxDetails, roundLinesTaxDetails, taxTotalsSummary, type BaseLine, type CompanyTaxSettings, type CurrencyInfo, type LineTaxDetails } from './tax-totals.ts';

/**
 * The amounts of sales orders and their lines (addons/sale/models/sale_order_line.py 18
 * `_compute_amount`, `_compute_price_reduce_taxexcl/taxinc`; sale_order.py `_compute_amounts`,
 * `_compute_tax_totals`), through the taxes computation of tax-details.ts / tax-totals.ts: a
 * line is `_prepare_base_line_for_taxes_computation` (its unit price, quantity, discount, taxes,
 * the order's currency and rate).
 */

interface LineRow {
  id: number;
  order_id: number;
  price_unit: string | number | null;
  product_uom_qty: string | number | null;
  discount: string | number | null;
  display_type: string | null;
  company_id: number | null;
}

interface OrderRow {
  id: number;
  currency_id: number | null;
  currency_rate: number | null;
  company_id: number;
}

interface Documents {
  orders: Map<number, OrderRow>;
  lines: LineRow[];
  taxes: Map<number, number[]>;
  taxInfo: Map<number, TaxInfo>;
  companies: Map<number, CompanyTaxSettings>;
  currencies: Map<number, CurrencyInfo>;
}

async function load(ctx: CallContext, where: string, params: unknown[]): Promise<Documents> {
  const lines = (await ctx.db.query<LineRow>(
    `SELECT l.id, l.order_id, l.price_unit, l.product_uom_qty, l.discount, l.display_type, l.company_id
       FROM sale_order_line l WHERE ${where} ORDER BY l.order_id, l.sequence, l.id`,
    params,
  )).rows;
  return loadFor(ctx, lines);
}

async function loadFor(ctx: CallContext, lines: LineRow[], extraOrders: number[] = []): Promise<Documents> {
  const orderIds = [...new Set([...lines.map((l) => l.order_id), ...extraOrders])];
  const orders = new Map((await ctx.db.query<OrderRow>(`SELECT id, currency_id, currency_rate, company_id FROM sale_order WHERE id = ANY($1::int4[])`, [orderIds])).rows.map((o) => [o.id, o]));
  const taxes = await linkedIds(ctx, 'sale.order.line', 'tax_id', lines.map((l) => l.id));
  const taxInfo = await taxesById(ctx, [...taxes.values()].flat());
  const companies = new Map<number, CompanyTaxSettings>();
  const currencies = new Map<number, CurrencyInfo>();
  for (const o of orders.values()) {
    if (!companies.has(o.company_id)) companies.set(o.company_id, await companyTaxSettings(ctx, o.company_id));
    if (o.currency_id && !currencies.has(o.currency_id)) currencies.set(o.currency_id, await currencyInfo(ctx, o.currency_id));
  }
  for (const l of lines) if (l.company_id && !companies.has(l.company_id)) companies.set(l.company_id, await companyTaxSettings(ctx, l.company_id));
  return { orders, lines, taxes, taxInfo, companies, currencies };
}

function orderCurrency(docs: Documents, order: OrderRow): CurrencyInfo {
  return (order.currency_id ? docs.currencies.get(order.currency_id) : undefined) ?? docs.companies.get(order.company_id)!.currency;
}

function baseLine(docs: Documents, line: LineRow): BaseLine {
  const order = docs.orders.get(line.order_id)!;
  return {
    priceUnit: Number(line.price_unit ?? 0),
    quantity: Number(line.product_uom_qty ?? 0),
    discount: Number(line.discount ?? 0),
    taxes: (docs.taxes.get(line.id) ?? []).map((id) => docs.taxInfo.get(id)).filter((t): t is TaxInfo => !!t),
    currency: orderCurrency(docs, order),
    rate: order.currency_rate ?? 1,
  };
}

/**
 * `_compute_amount` and the price reduce computes of these lines: subtotal and total from the
 * line's own tax details (rounded by the Monetary fields to the line's currency, the order's),
 * `price_tax` their difference, the reduced prices per unit (0 without quantity).
 */
export async function recomputeLineAmounts(ctx: CallContext, lineIds: readonly number[]): Promise<void> {
  if (!lineIds.length) return;
  const docs = await load(ctx, 'l.id = ANY($1::int4[])', [lineIds]);
  for (const line of docs.lines) {
    const order = docs.orders.get(line.order_id);
    if (!order) continue;
    const base = baseLine(docs, line);
    const company = docs.companies.get(line.company_id ?? order.company_id)!;
    const details = lineTaxDetails(base, company);
    const subtotal = roundTo(details.totalExcludedCurrency, base.currency.rounding);
    const total = roundTo(details.totalIncludedCurrency, base.currency.rounding);
    await ctx.db.query(
      `UPDATE sale_order_line SET price_subtotal = $2, price_total = $3, price_tax = $4 WHERE id = $1`,
      [line.id, subtotal, total, total - subtotal],
    );
  }
  await recomputePriceReduce(ctx, lineIds);
}

/** `_compute_price_reduce_taxexcl` / `_taxinc`: the stored subtotal and total per unit, in the line's currency. */
export async function recomputePriceReduce(ctx: CallContext, lineIds: readonly number[]): Promise<void> {
  if (!lineIds.length) return;
  const r = await ctx.db.query<{ id: number; subtotal: string | null; total: string | null; qty: string | null; rounding: string | null }>(
    `SELECT l.id, l.price_subtotal AS subtotal, l.price_total AS total, l.product_uom_qty AS qty, c.rounding
       FROM sale_order_line l LEFT JOIN res_currency c ON c.id = l.currency_id WHERE l.id = ANY($1::int4[])`,
    [lineIds],
  );
  for (const row of r.rows) {
    const qty = Number(row.qty ?? 0);
    const rounding = Number(row.rounding ?? 0);
    const per = (v: string | null) => (qty ? (rounding ? roundTo(Number(v ?? 0) / qty, rounding) : Number(v ?? 0) / qty) : 0);
    await ctx.db.query(`UPDATE sale_order_line SET price_reduce_taxexcl = $2, price_reduce_taxinc = $3 WHERE id = $1`, [row.id, per(row.subtotal), per(row.total)]);
  }
}

/** The tax details of an order's priced lines (sections and notes left out), rounded as a document. */
function orderDetails(docs: Documents, order: OrderRow): LineTaxDetails[] {
  const company = docs.companies.get(order.company_id)!;
  const entries = docs.lines
    .filter((l) => l.order_id === order.id && !l.display_type)
    .map((line) => {
      const base = baseLine(docs, line);
      return { line: base, details: lineTaxDetails(base, company) };
    });
  roundLinesTaxDetails(entries, company);
  return entries.map((e) => e.details);
}

/** `_compute_tax_totals` of one order. */
export async function orderTaxTotals(ctx: CallContext, orderId: number): Promise<Record<string, unknown> | false> {
  const docs = await load(ctx, 'l.order_id = $1', [orderId]);
  const withOrder = docs.orders.size ? docs : await loadFor(ctx, [], [orderId]);
  const order = withOrder.orders.get(orderId);
  if (!order) return false;
  const company = withOrder.companies.get(order.company_id)!;
  return taxTotalsSummary(orderDetails(withOrder, order), orderCurrency(withOrder, order), company);
}

/** `_compute_amounts`: untaxed, tax and total amounts of the orders from their tax totals, rounded to the order's currency. */
export async function recomputeOrderAmounts(ctx: CallContext, orderIds: readonly number[]): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (!ids.length) return;
  const lines = (await ctx.db.query<LineRow>(
    `SELECT l.id, l.order_id, l.price_unit, l.product_uom_qty, l.discount, l.display_type, l.company_id
       FROM sale_order_line l WHERE l.order_id = ANY($1::int4[]) ORDER BY l.order_id, l.sequence, l.id`,
    [ids],
  )).rows;
  const docs = await loadFor(ctx, lines, ids);
  for (const order of docs.orders.values()) {
    const company = docs.companies.get(order.company_id)!;
    const currency = orderCurrency(docs, order);
    const totals = taxTotalsSummary(orderDetails(docs, order), currency, company);
    await ctx.db.query(
      `UPDATE sale_order SET amount_untaxed = $2, amount_tax = $3, amount_total = $4 WHERE id = $1`,
      [order.id, roundTo(totals.base_amount_currency as number, currency.rounding), roundTo(totals.tax_amount_currency as number, currency.rounding), roundTo(totals.total_amount_currency as number, currency.rounding)],
    );
  }
}
