import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { compareRounded, isZero, roundDigits, roundTo } from './float-round.ts';
import { companyTaxSettings, linkedIds, taxesById } from './sale-tax-data.ts';
import { lineTaxDetails } from './tax-totals.ts';

/**
 * The invoicing computes of sales order lines and orders (addons/sale/models/sale_order_line.py
 * 18 `_compute_qty_delivered_method`, `_compute_qty_invoiced`, `_compute_qty_to_invoice`,
 * `_compute_invoice_status`, `_compute_untaxed_amount_invoiced`, `_compute_untaxed_amount_to_invoice`;
 * sale_order.py `_compute_invoice_status`). Ficus creates no invoices from orders: a line
 * already linked to invoice lines, or delivered through analytic lines, gets the clear refusal
 * rather than amounts that ignore them.
 */

interface InvoicingRow {
  id: number;
  order_id: number;
  state: string | null;
  display_type: string | null;
  is_expense: boolean | null;
  is_downpayment: boolean | null;
  product_id: number | null;
  invoice_policy: string | null;
  product_uom_qty: string | number | null;
  qty_delivered: string | number | null;
  price_unit: string | number | null;
  discount: string | number | null;
  rounding: string | null;
  company_id: number | null;
  invoiced: boolean;
  analytic: boolean;
}

async function uomDigits(ctx: CallContext): Promise<number> {
  const r = await ctx.db.query<{ digits: number }>(`SELECT digits FROM decimal_precision WHERE name = 'Product Unit of Measure'`);
  return r.rows[0]?.digits ?? 2;
}

export async function recomputeLineInvoicing(ctx: CallContext, lineIds: readonly number[]): Promise<void> {
  if (!lineIds.length) return;
  const rows = (await ctx.db.query<InvoicingRow>(
    `SELECT l.id, l.order_id, l.state, l.display_type, l.is_expense, l.is_downpayment, l.product_id, t.invoice_policy,
            l.product_uom_qty, l.qty_delivered, l.price_unit, l.discount, c.rounding, l.company_id,
            EXISTS (SELECT 1 FROM sale_order_line_invoice_rel r WHERE r.order_line_id = l.id) AS invoiced,
            (to_regclass('account_analytic_line') IS NOT NULL AND l.is_expense IS TRUE) AS analytic
       FROM sale_order_line l LEFT JOIN product_product p ON p.id = l.product_id LEFT JOIN product_template t ON t.id = p.product_tmpl_id
       LEFT JOIN res_currency c ON c.id = l.currency_id
      WHERE l.id = ANY($1::int4[])`,
    [lineIds],
  )).rows;
  if (rows.some((r) => r.invoiced)) throw missingBehaviour('sale.order.line', 'the invoiced quantities of lines linked to invoices');
  if (rows.some((r) => r.analytic)) throw missingBehaviour('sale.order.line', 'the delivered quantities of expense lines (analytic lines)');
  const digits = await uomDigits(ctx);
  const precision = 10 ** -digits;
  const taxes = await linkedIds(ctx, 'sale.order.line', 'tax_id', rows.map((r) => r.id));
  const taxInfo = await taxesById(ctx, [...taxes.values()].flat());
  for (const line of rows) {
    const qtyInvoiced = 0;
    const ordered = Number(line.product_uom_qty ?? 0);
    const delivered = Number(line.qty_delivered ?? 0);
    const confirmed = line.state === 'sale';
    const qtyToInvoice = confirmed && !line.display_type
      ? (line.invoice_policy === 'order' ? ordered - qtyInvoiced : delivered - qtyInvoiced)
      : 0;
    let toInvoice = 0;
    if (confirmed) {
      const qty = line.invoice_policy === 'delivery' ? delivered : ordered;
      const reduced = Number(line.price_unit ?? 0) * (1 - Number(line.discount ?? 0) / 100);
      toInvoice = reduced * qty;
      const lineTaxes = (taxes.get(line.id) ?? []).map((id) => taxInfo.get(id)!).filter(Boolean);
      if (lineTaxes.some((t) => t.priceInclude)) {
        const company = await companyTaxSettings(ctx, line.company_id!);
        const currency = { id: 0, rounding: Number(line.rounding ?? company.currency.rounding), decimalPlaces: 2 };
        toInvoice = roundTo(lineTaxDetails({ priceUnit: reduced, quantity: qty, discount: 0, taxes: lineTaxes, currency, rate: 1 }, company).totalExcludedCurrency, currency.rounding);
      }
    }
    const rounding = Number(line.rounding ?? 0);
    const monetary = (v: number) => (rounding ? roundTo(v, rounding) : v);
    let status: string;
    if (!confirmed) status = 'no';
    else if (line.is_downpayment && monetary(toInvoice) === 0) status = 'invoiced';
    else if (!isZero(qtyToInvoice, precision)) status = 'to invoice';
    else if (line.invoice_policy === 'order' && ordered >= 0 && compareRounded(delivered, ordered, precision) === 1) status = 'upselling';
    else if (compareRounded(qtyInvoiced, ordered, precision) >= 0) status = 'invoiced';
    else status = 'no';
    await ctx.db.query(
      `UPDATE sale_order_line SET qty_delivered_method = $2, qty_invoiced = $3, qty_to_invoice = $4, invoice_status = $5,
              untaxed_amount_invoiced = 0, untaxed_amount_to_invoice = $6 WHERE id = $1`,
      [line.id, line.is_expense ? 'analytic' : 'manual', qtyInvoiced, roundDigits(qtyToInvoice, digits), status, monetary(toInvoice)],
    );
  }
}

/**
 * The order's `invoice_status` from its confirmed state and the statuses of its lines (sections,
 * notes and down payments left out): something to invoice makes it 'to invoice' unless only
 * lines that cannot be invoiced alone (the company's discount product) are; all invoiced,
 * 'invoiced'; invoiced or upselling, 'upselling'; else 'no'.
 */
export async function recomputeOrderInvoiceStatus(ctx: CallContext, orderIds: readonly number[]): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (!ids.length) return;
  const orders = (await ctx.db.query<{ id: number; state: string; discount_product: number | null }>(
    `SELECT o.id, o.state, c.sale_discount_product_id AS discount_product FROM sale_order o JOIN res_company c ON c.id = o.company_id WHERE o.id = ANY($1::int4[])`,
    [ids],
  )).rows;
  for (const order of orders) {
    let status = 'no';
    if (order.state === 'sale') {
      const lines = (await ctx.db.query<{ invoice_status: string | null; product_id: number | null }>(
        `SELECT invoice_status, product_id FROM sale_order_line WHERE order_id = $1 AND NOT COALESCE(is_downpayment, false) AND display_type IS NULL`,
        [order.id],
      )).rows;
      const statuses = lines.map((l) => l.invoice_status);
      if (statuses.includes('to invoice')) {
        const invoiceable = lines.filter((l) => l.invoice_status === 'to invoice');
        const alone = invoiceable.filter((l) => l.product_id !== order.discount_product);
        status = statuses.includes('no') && !alone.length ? 'no' : 'to invoice';
      } else if (statuses.length && statuses.every((s) => s === 'invoiced')) status = 'invoiced';
      else if (statuses.length && statuses.every((s) => s === 'invoiced' || s === 'upselling')) status = 'upselling';
    }
    await ctx.db.query(`UPDATE sale_order SET invoice_status = $2 WHERE id = $1`, [order.id, status]);
  }
}
