import { sql } from 'kysely';
import { accessError, missingBehaviour } from '../../errors.ts';
import type { Sql } from '../domain/search-env.ts';
import { orderToSql } from '../sql/order.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { readDenial } from './reader-denial.ts';

/**
 * Non-stored computes of sale.order that an all-fields read answers (Odoo 18 sale, portal, payment):
 *
 * | field | source | reads as |
 * |---|---|---|
 * | access_url | sale_order.py `_compute_access_url` | `/my/orders/<id>` |
 * | access_warning | portal portal_mixin.py | '' |
 * | is_expired | sale_order.py | draft or sent with a validity date before today (UTC) |
 * | tax_country_id | sale_order.py | the fiscal position's country when it has a foreign VAT, else the company's fiscal country |
 * | has_active_pricelist | sale_order.py | an active pricelist of the order's company or none, searched as the reader |
 * | has_archived_products | sale_order.py | a line (as the reader) sells an archived variant; the reader's AccessError on product.product when a line has a product |
 * | invoice_ids / invoice_count | sale_order.py `_get_invoiced` | the customer invoices and refunds of the lines' invoice lines (lines and invoice lines read as the reader, each in its `_order`), each once in that order |
 * | authorized_transaction_ids | sale_order.py (compute_sudo) | the order's transactions in state authorized, payment.transaction's `_order` (id desc) |
 * | amount_paid | sale_order.py | the amounts of the order's authorized or done transactions (read as the reader) |
 * | amount_undiscounted | sale_order.py | over the lines (as the reader): subtotal * 100 / (100 - discount), or price * quantity for a 100% discount, in Python's float order |
 * | duplicated_order_ids | sale_order.py `_fetch_duplicate_orders` (raw SQL) | other uncancelled orders of the company, partner, order date, customer reference and origin (orders with a customer reference only) |
 * | expected_date | sale_order.py / sale_order_line.py `_expected_date` | none for a cancelled order; else the earliest of its product lines' (as the reader) order date (a confirmed line; else now) plus customer lead days |
 * | sale.order.line product_template_id | sale_order_line.py | the variant's template |
 * | sale.order.line is_product_archived | sale_order_line.py | a variant that is archived |
 * | sale.order.line product_uom_readonly | sale_order_line.py | a saved line of a confirmed or cancelled order |
 * | sale.order.line product_updatable | sale_order_line.py | not a down payment, not cancelled, and when confirmed neither locked nor invoiced nor delivered |
 * | partner_credit_warning | sale_order.py | '' unless a quotation of a company with credit limits (then refused: account.move `_build_credit_warning_message`) |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function orderBy(scope: ComputeScope, model: string, alias: string, joins: Sql[]): Sql {
  const info = scope.env.registry.model(model)!;
  return sql.join(orderToSql(scope.env, info, alias, info.order, joins));
}

/** `order.order_line.invoice_lines.move_id` filtered to customer invoices and refunds, as ids in first-seen order. */
function invoicesSql(a: string, scope: ComputeScope): Sql {
  const lines = searchAsReader(scope, 'sale.order.line', []);
  const items = searchAsReader(scope, 'account.move.line', []);
  const lineJoins: Sql[] = [];
  const itemJoins: Sql[] = [];
  const lineOrder = orderBy(scope, 'sale.order.line', lines.alias, lineJoins);
  const itemOrder = orderBy(scope, 'account.move.line', items.alias, itemJoins);
  return sql`(SELECT COALESCE(json_agg(x.move ORDER BY x.pos), '[]') FROM (
      SELECT y.move, min(y.pos) AS pos FROM (
        SELECT m.id AS move, row_number() OVER (ORDER BY l.pos, ${itemOrder}) AS pos
          FROM (SELECT ${sql.ref(`${lines.alias}.id`)} AS id, row_number() OVER (ORDER BY ${lineOrder}) AS pos
                  FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} ${sql.join(lineJoins, sql` `)}
                 WHERE ${sql.ref(`${lines.alias}.order_id`)} = ${column(a, 'id')} AND ${lines.where}) l
          JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = l.id
          JOIN ${sql.table(items.table)} AS ${sql.table(items.alias)} ON ${sql.ref(`${items.alias}.id`)} = rel.invoice_line_id ${sql.join(itemJoins, sql` `)}
          JOIN account_move m ON m.id = ${sql.ref(`${items.alias}.move_id`)}
         WHERE ${items.where} AND m.move_type IN ('out_invoice', 'out_refund')) y
      GROUP BY y.move) x)`;
}

export const SALE_ORDER_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'sale.order.line.product_template_id': {
    dependsOn: [], readsTables: ['product_product'], many2one: 'product.template',
    select: (a) => sql`(SELECT pp.product_tmpl_id FROM product_product pp WHERE pp.id = ${column(a, 'product_id')})`,
    compute: (r) => r.product_template_id ?? false,
  },
  'sale.order.line.is_product_archived': {
    dependsOn: [], readsTables: ['product_product'],
    select: (a) => sql`COALESCE((SELECT NOT pp.active FROM product_product pp WHERE pp.id = ${column(a, 'product_id')}), false)`,
    compute: (r) => r.is_product_archived === true,
  },
  'sale.order.line.product_uom_readonly': { dependsOn: ['state'], compute: (r) => r.state === 'sale' || r.state === 'cancel' },
  'sale.order.line.product_updatable': {
    dependsOn: ['state', 'is_downpayment', 'qty_invoiced', 'qty_delivered'], readsTables: ['sale_order'],
    select: (a) => sql`COALESCE((SELECT o.locked FROM sale_order o WHERE o.id = ${column(a, 'order_id')}), false)`,
    compute: (r) => !(r.is_downpayment === true || r.state === 'cancel'
      || (r.state === 'sale' && (r.product_updatable === true || Number(r.qty_invoiced ?? 0) > 0 || Number(r.qty_delivered ?? 0) > 0))),
  },
  'sale.order.amount_paid': {
    dependsOn: [], readsTables: ['sale_order_transaction_rel', 'payment_transaction'],
    select: (a, scope) => {
      const txs = searchAsReader(scope, 'payment.transaction', []);
      const t = (name: string) => sql.ref(`${txs.alias}.${name}`);
      return sql`(SELECT COALESCE(json_agg(${t('amount')} ORDER BY ${t('id')} DESC), '[]') FROM ${sql.table(txs.table)} AS ${sql.table(txs.alias)}
          JOIN sale_order_transaction_rel rel ON rel.transaction_id = ${t('id')}
         WHERE rel.sale_order_id = ${column(a, 'id')} AND ${t('state')} IN ('authorized', 'done') AND ${txs.where})`;
    },
    compute: (r) => (json<Array<number | string> | null>(r.amount_paid) ?? []).reduce<number>((sum, amount) => sum + Number(amount), 0),
  },
  'sale.order.amount_undiscounted': {
    dependsOn: [], readsTables: ['sale_order_line'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'sale.order.line', []);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      const joins: Sql[] = [];
      const order = orderBy(scope, 'sale.order.line', lines.alias, joins);
      return sql`(SELECT COALESCE(json_agg(json_build_array(${l('price_subtotal')}, ${l('discount')}, ${l('price_unit')}, ${l('product_uom_qty')}) ORDER BY ${order}), '[]')
          FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} ${sql.join(joins, sql` `)} WHERE ${l('order_id')} = ${column(a, 'id')} AND ${lines.where})`;
    },
    compute: (r) => {
      let total = 0;
      for (const [subtotal, discount, price, quantity] of json<Array<[unknown, unknown, unknown, unknown]> | null>(r.amount_undiscounted) ?? []) {
        const d = Number(discount ?? 0);
        total += d !== 100 ? (Number(subtotal ?? 0) * 100) / (100 - d) : Number(price ?? 0) * Number(quantity ?? 0);
      }
      return total;
    },
  },
  'sale.order.duplicated_order_ids': {
    dependsOn: [], readsTables: ['sale_order'],
    select: (a) => sql`(SELECT COALESCE(json_agg(d.id ORDER BY d.id), '[]') FROM sale_order d
        WHERE ${column(a, 'client_order_ref')} IS NOT NULL AND ${column(a, 'client_order_ref')} <> ''
          AND d.company_id = ${column(a, 'company_id')} AND d.id <> ${column(a, 'id')} AND d.state <> 'cancel'
          AND d.partner_id = ${column(a, 'partner_id')} AND d.date_order = ${column(a, 'date_order')}
          AND d.client_order_ref = ${column(a, 'client_order_ref')}
          AND (d.origin = ${column(a, 'origin')} OR (d.origin IS NULL AND ${column(a, 'origin')} IS NULL)))`,
    compute: (r) => json<number[] | null>(r.duplicated_order_ids) ?? [],
  },
  'sale.order.expected_date': {
    dependsOn: [], readsTables: ['sale_order_line'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'sale.order.line', []);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      const start = sql`CASE WHEN ${l('state')} = 'sale' AND ${column(a, 'date_order')} IS NOT NULL THEN ${column(a, 'date_order')} ELSE (now() AT TIME ZONE 'UTC') END`;
      return sql`CASE WHEN ${column(a, 'state')} = 'cancel' THEN NULL ELSE (SELECT to_char(date_trunc('second', min(${start} + COALESCE(${l('customer_lead')}, 0) * interval '1 day')), 'YYYY-MM-DD HH24:MI:SS')
          FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} WHERE ${l('order_id')} = ${column(a, 'id')} AND ${l('display_type')} IS NULL AND ${lines.where}) END`;
    },
    compute: (r) => r.expected_date ?? false,
  },
  'sale.order.partner_credit_warning': {
    dependsOn: ['state'], readsTables: ['res_company'],
    select: (a) => sql`(SELECT COALESCE(c.account_use_credit_limit, false) FROM res_company c WHERE c.id = ${column(a, 'company_id')})`,
    compute: (r) => {
      if ((r.state === 'draft' || r.state === 'sent') && r.partner_credit_warning === true) {
        throw missingBehaviour('sale.order', 'partner_credit_warning with credit limits on (the credit warning message)');
      }
      return '';
    },
  },
  'sale.order.access_url': { dependsOn: [], compute: (r) => `/my/orders/${r.id}` },
  'sale.order.access_warning': { dependsOn: [], compute: () => '' },
  'sale.order.is_expired': {
    dependsOn: ['state', 'validity_date'],
    select: () => sql`(now() AT TIME ZONE 'UTC')::date::text`,
    compute: (r) => (r.state === 'draft' || r.state === 'sent') && typeof r.validity_date === 'string' && r.validity_date < String(r.is_expired),
  },
  'sale.order.tax_country_id': {
    dependsOn: [], readsTables: ['account_fiscal_position', 'res_company'], many2one: 'res.country',
    select: (a) => sql`COALESCE((SELECT f.country_id FROM account_fiscal_position f WHERE f.id = ${column(a, 'fiscal_position_id')} AND COALESCE(f.foreign_vat, '') <> ''),
      (SELECT c.account_fiscal_country_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}))`,
    compute: (r) => r.tax_country_id ?? false,
  },
  'sale.order.has_active_pricelist': {
    dependsOn: [], readsTables: ['product_pricelist'],
    select: (a, scope) => {
      const lists = searchAsReader(scope, 'product.pricelist', [['active', '=', true]]);
      const p = (name: string) => sql.ref(`${lists.alias}.${name}`);
      return sql`EXISTS (SELECT 1 FROM ${sql.table(lists.table)} AS ${sql.table(lists.alias)}
        WHERE (${p('company_id')} IS NULL OR ${p('company_id')} = ${column(a, 'company_id')}) AND ${lists.where})`;
    },
    compute: (r) => r.has_active_pricelist === true,
  },
  'sale.order.has_archived_products': {
    dependsOn: [], readsTables: ['sale_order_line', 'product_product'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'sale.order.line', []);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      // `product.active` is fetched as the reader, so a line with a product needs product.product's read right.
      return sql`(SELECT json_build_object('denied', CASE WHEN count(pp.id) > 0 THEN ${readDenial(scope, 'product.product')}::text END, 'archived', bool_or(NOT pp.active))
        FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} JOIN product_product pp ON pp.id = ${l('product_id')}
        WHERE ${l('order_id')} = ${column(a, 'id')} AND ${lines.where})`;
    },
    compute: (r) => {
      const facts = json<{ denied: string | null; archived: boolean | null }>(r.has_archived_products);
      if (facts.denied) throw accessError(facts.denied);
      return facts.archived === true;
    },
  },
  'sale.order.invoice_ids': {
    dependsOn: [], readsTables: ['sale_order_line', 'sale_order_line_invoice_rel', 'account_move_line', 'account_move'],
    select: (a, scope) => invoicesSql(a, scope),
    compute: (r) => json<number[] | null>(r.invoice_ids) ?? [],
  },
  'sale.order.invoice_count': {
    dependsOn: [], readsTables: ['sale_order_line', 'sale_order_line_invoice_rel', 'account_move_line', 'account_move'],
    select: (a, scope) => invoicesSql(a, scope),
    compute: (r) => (json<number[] | null>(r.invoice_count) ?? []).length,
  },
  'sale.order.authorized_transaction_ids': {
    dependsOn: [], readsTables: ['sale_order_transaction_rel', 'payment_transaction'],
    select: (a) => sql`(SELECT COALESCE(json_agg(t.id ORDER BY t.id DESC), '[]') FROM sale_order_transaction_rel rel
        JOIN payment_transaction t ON t.id = rel.transaction_id WHERE rel.sale_order_id = ${column(a, 'id')} AND t.state = 'authorized')`,
    compute: (r) => json<number[] | null>(r.authorized_transaction_ids) ?? [],
  },
};
