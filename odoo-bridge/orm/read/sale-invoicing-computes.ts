import { sql } from 'kysely';
import { accessError, missingBehaviour } from '../../errors.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { readDenial } from './reader-denial.ts';

/**
 * What is invoiced and left to invoice on sale orders (sale/models/sale_order_line.py and
 * sale_order.py, Odoo 18), per line and summed per order (`sum(order.order_line.mapped(...))`,
 * in the lines' order):
 *
 * - line `qty_invoiced_posted` / `amount_invoiced`: over the line's invoice lines of posted
 *   moves, their quantities in the line's unit and their totals in the line's currency at the
 *   invoice date, signed by the move's direction. A line with no such invoice line reads 0.0;
 *   one with some is refused (the unit conversion rounds UP, the currency conversion reads
 *   rates: not computed here).
 * - line `amount_to_invoice`: with an ordered quantity, the unit total (`price_total / qty`)
 *   less the discount, times the quantity to consider (delivered for the product's `delivery`
 *   invoicing policy, else ordered) minus `qty_invoiced_posted`; else 0.0. In floats, as Python.
 */
interface LineFacts {
  qty: number;
  delivered: number;
  total: number;
  discount: number;
  policy: string | null;
  /** Invoice lines of posted moves linked to the line. */
  posted: number;
  /** The reader's refusal to read product.product (its ACL error's text), null when allowed. */
  productDenied: string | null;
}

/**
 * `line.product_id.invoice_policy` read as the reader: without the read right on product.product
 * Odoo's fetch raises that model's AccessError, noting the field it went through.
 */
function productDenied(scope: ComputeScope): string | null {
  const denial = readDenial(scope, 'product.product');
  return denial && `${denial}\n\nImplicitly accessed through 'Product Variant' (product.product).`;
}

const LINE_FACTS = (line: string, scope: ComputeScope) => sql`json_build_object('productDenied', ${productDenied(scope)}::text,
  'qty', ${sql.ref(`${line}.product_uom_qty`)}::float8, 'delivered', ${sql.ref(`${line}.qty_delivered`)}::float8,
  'total', ${sql.ref(`${line}.price_total`)}::float8, 'discount', ${sql.ref(`${line}.discount`)}::float8,
  'policy', (SELECT t.invoice_policy FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = ${sql.ref(`${line}.product_id`)}),
  'posted', (SELECT count(*) FROM sale_order_line_invoice_rel rel JOIN account_move_line aml ON aml.id = rel.invoice_line_id
               JOIN account_move am ON am.id = aml.move_id WHERE rel.order_line_id = ${sql.ref(`${line}.id`)} AND am.state = 'posted'))`;

const TABLES = ['sale_order_line', 'product_product', 'product_template', 'sale_order_line_invoice_rel', 'account_move_line', 'account_move'];

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function invoicedNothing(facts: LineFacts, field: string): void {
  if (facts.posted) throw missingBehaviour('sale.order.line', `the computed field ${field} of a line with posted invoice lines (unit and currency conversion)`);
}

function amountToInvoice(facts: LineFacts): number {
  invoicedNothing(facts, 'amount_to_invoice');
  if (!facts.qty) return 0;
  if (facts.productDenied) throw accessError(facts.productDenied);
  const consider = facts.policy === 'delivery' ? facts.delivered : facts.qty;
  const priceReduce = (facts.total / facts.qty) * (1 - (facts.discount || 0) / 100);
  // qty_invoiced_posted is 0.0 here (invoicedNothing).
  return priceReduce * (consider - 0);
}

function amountInvoiced(facts: LineFacts): number {
  invoicedNothing(facts, 'amount_invoiced');
  return 0;
}

function orderSum(perLine: (facts: LineFacts) => number) {
  return (r: Record<string, unknown>) => json<LineFacts[]>(r.__lines ?? []).reduce((sum, facts) => sum + perLine(facts), 0);
}

const orderLines = (order: string, scope: ComputeScope) => sql`(SELECT COALESCE(json_agg(${LINE_FACTS('l', scope)} ORDER BY l.sequence, l.id), '[]'::json) FROM sale_order_line l WHERE l.order_id = ${sql.ref(`${order}.id`)})`;

export const SALE_INVOICING_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'sale.order.line.qty_invoiced_posted': {
    dependsOn: [], readsTables: TABLES, select: (a, scope) => LINE_FACTS(a, scope),
    compute: (r) => {
      invoicedNothing(json<LineFacts>(r.qty_invoiced_posted), 'qty_invoiced_posted');
      return 0;
    },
  },
  'sale.order.line.amount_invoiced': { dependsOn: [], readsTables: TABLES, select: (a, scope) => LINE_FACTS(a, scope), compute: (r) => amountInvoiced(json<LineFacts>(r.amount_invoiced)) },
  'sale.order.line.amount_to_invoice': { dependsOn: [], readsTables: TABLES, select: (a, scope) => LINE_FACTS(a, scope), compute: (r) => amountToInvoice(json<LineFacts>(r.amount_to_invoice)) },
  'sale.order.amount_invoiced': {
    dependsOn: [], readsTables: TABLES, select: (a, scope) => orderLines(a, scope),
    compute: (r) => orderSum(amountInvoiced)({ __lines: r.amount_invoiced }),
  },
  'sale.order.amount_to_invoice': {
    dependsOn: [], readsTables: TABLES, select: (a, scope) => orderLines(a, scope),
    compute: (r) => orderSum(amountToInvoice)({ __lines: r.amount_to_invoice }),
  },
};
