import { sql } from 'kysely';
import { accessError, missingBehaviour } from '../../errors.ts';
import { fieldSql } from '../domain/field-sql.ts';
import type { Sql } from '../domain/search-env.ts';
import { orderToSql } from '../sql/order.ts';
import { roundDigits, roundTo } from '../write/sale/float-round.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { readDenial } from './reader-denial.ts';
import { taxString, taxStringFacts, type TaxStringFacts } from './product-tax-string.ts';
import { displayNameSql, productDisplaySql } from './display-name.ts';

/**
 * Non-stored computes of product, product attribute, currency rate, sale.order.line, utm.campaign
 * and crm.team.member that an all-fields read answers (Odoo 18 community):
 *
 * | field | source | reads as |
 * |---|---|---|
 * | `<analytic.mixin>.analytic_precision` | analytic analytic_mixin.py (default) | `decimal.precision.precision_get('Percentage Analytic')`, 2 without one |
 * | `<analytic.mixin>.distribution_analytic_account_ids` | analytic `_compute_distribution_analytic_account_ids` | the ids of the distribution's keys (split on ','), in key order, once each, of accounts that exist (`exists()`: no rules) |
 * | sale.order.line is_configurable_product | sale (related product_template_id.has_configurable_attributes, sudo) | the line product's template flag |
 * | sale.order.line pricelist_item_id | sale `_compute_pricelist_item_id` → product `_compute_price_rule(compute_price=False)` | False for a section/note, no product or no order pricelist; else the first pricelist item (searched as the reader, archived ones too, `_order`) of `_get_applicable_rules_domain` at the order date that `_is_applicable_for` the quantity in the product's unit (`_compute_quantity`, rounded UP) |
 * | product.template / product.product product_document_ids | product (one2many on res_id, domain res_model) | product.document of that res_model and res_id, as the reader, `_order` sequence, name |
 * | product.template packaging_ids | product `_compute_packaging_ids` | the packagings (as the reader) of its only active variant, else none |
 * | res.currency.rate company_rate / inverse_company_rate | base `_compute_company_rate` (depends_context company) | (rate, else `_get_latest_rate`, else 1) / the latest rate of the rate company's (else env.company root's) currency; 1 / that |
 * | product.attribute number_related_products | product `_compute_number_related_products` | attribute lines of active templates, counted as the reader |
 * | product.attribute.value is_used_on_products / default_extra_price_changed | product | an attribute line (as the reader) of an active template uses it / False (a stored record equals its origin) |
 * | product.supplierinfo price_discounted | product `_compute_price_discounted` | price * (1 - discount / 100) |
 * | product.combo currency_id / combo_item_count / base_price | product | the company's currency else the main company's; items counted as the reader; the least item `lst_price` (Product Price digits) rounded to the currency, refused across currencies |
 * | utm.campaign quotation_count / invoiced_amount | sale (compute_sudo) | every sale.order of the campaign; -sum(balance) of product lines of posted invoices/receipts of the campaign, truncated to an integer |
 * | crm.team dashboard_button_name | sales_team, crm, sale, sale_crm | 'Sales Analysis' in the Sales app (context in_sales_app), else 'Pipeline' for teams with opportunities when crm is installed, else 'Big Pretty Button :)'; refused outside en_US |
 * | crm.team.member is_membership_multi / user_company_ids / member_warning | sales_team | config `sales_team.membership_multi` set; the team's company else every company the reader may read; the warning naming the reader-visible other active teams of the user (mono-membership), refused outside en_US |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * A compute that searches `models` as the reader: its SQL (`build`, only built when every search is
 * allowed) beside the reader's AccessError, raised by `compute` for the rows `reaches` says search
 * (every row by default: a one2many or `_read_group` checks the right before looking for records).
 */
function asReader(
  field: string, models: readonly string[], readsTables: readonly string[],
  build: (alias: string, scope: ComputeScope) => Sql,
  compute: (row: Record<string, unknown>) => unknown,
  options: { reaches?: (alias: string) => Sql; many2one?: string } = {},
): ComputedField {
  return {
    dependsOn: [], readsTables, ...(options.many2one ? { many2one: options.many2one } : {}),
    select: (a, scope) => {
      const denied = models.map((name) => readDenial(scope, name)).find((text) => text !== null) ?? null;
      if (!denied) return sql`json_build_object('value', ${build(a, scope)})`;
      const reaches = options.reaches ? options.reaches(a) : sql`true`;
      return sql`json_build_object('denied', CASE WHEN ${reaches} THEN ${denied}::text END)`;
    },
    compute: (r) => {
      const facts = json<{ denied?: string | null; value?: unknown }>(r[field]);
      if (facts.denied) throw accessError(facts.denied);
      return compute({ ...r, [field]: facts.value ?? null });
    },
  };
}

/** The models inheriting analytic.mixin in Odoo 18's community addons whose computes account-record-computes.ts does not hold (account.move.line, account.reconcile.model.line). */
const ANALYTIC_MIXIN_MODELS = ['account.analytic.distribution.model', 'sale.order.line'];

const analyticPrecision: ComputedField = {
  dependsOn: [], readsTables: ['decimal_precision'],
  select: () => sql`(SELECT dp.digits FROM decimal_precision dp WHERE dp.name = 'Percentage Analytic' ORDER BY dp.id LIMIT 1)`,
  compute: (r) => (r.analytic_precision === null || r.analytic_precision === undefined ? 2 : Number(r.analytic_precision)),
};

const distributionAccounts: ComputedField = {
  dependsOn: [], readsTables: ['account_analytic_account'],
  select: (a) => sql`(SELECT COALESCE(json_agg(x.id ORDER BY x.key_pos, x.part_pos), '[]') FROM (
      SELECT DISTINCT ON (part.id) part.id, part.key_pos, part.part_pos FROM (
        SELECT btrim(p.value)::int AS id, k.ord AS key_pos, p.ord AS part_pos
          FROM jsonb_object_keys(COALESCE(${column(a, 'analytic_distribution')}, '{}'::jsonb)) WITH ORDINALITY AS k(key, ord),
               unnest(string_to_array(k.key, ',')) WITH ORDINALITY AS p(value, ord)) part
       WHERE EXISTS (SELECT 1 FROM account_analytic_account acc WHERE acc.id = part.id)
       ORDER BY part.id, part.key_pos, part.part_pos) x)`,
  compute: (r) => json<number[] | null>(r.distribution_analytic_account_ids) ?? [],
};

/** Odoo's `float_round(value, precision_rounding=r, rounding_method='UP')`: away from zero. */
function roundUp(value: number, rounding: number): number {
  if (!value || !(rounding > 0)) return 0;
  const inverse = rounding < 1 ? 1 / rounding : null;
  const normalized = inverse ? value * inverse : value / rounding;
  const epsilon = 2 ** (Math.log2(Math.abs(normalized)) - 50);
  const result = Math.trunc(normalized + Math.sign(normalized) * (1 - epsilon));
  return inverse ? result / inverse : result * rounding;
}

interface PricelistRuleFacts {
  qty: number;
  line_uom: { id: number; factor: number; category: number } | null;
  product_uom: { id: number; factor: number; rounding: number; category: number } | null;
  rules: { id: number; min_quantity: number }[];
}

/**
 * The candidate rules of `_get_applicable_rules` for the line, in product.pricelist.item's `_order`,
 * with what `_is_applicable_for` needs beyond the domain (applied_on's template/variant match).
 */
function pricelistRuleFacts(a: string, scope: ComputeScope): Sql {
  const items = searchAsReader(scope, 'product.pricelist.item', [], { activeTest: false });
  const itemModel = scope.env.registry.model('product.pricelist.item')!;
  const joins: Sql[] = [];
  const order = orderToSql(scope.env, itemModel, items.alias, itemModel.order ?? 'applied_on, min_quantity desc, categ_id desc, id desc', joins);
  const i = (name: string) => sql.ref(`${items.alias}.${name}`);
  const date = sql`COALESCE(o.date_order, now() AT TIME ZONE 'UTC')`;
  return sql`(SELECT json_build_object(
      'qty', COALESCE(NULLIF(${column(a, 'product_uom_qty')}, 0), 1),
      'line_uom', (SELECT json_build_object('id', u.id, 'factor', u.factor, 'category', u.category_id) FROM uom_uom u WHERE u.id = ${column(a, 'product_uom')}),
      'product_uom', (SELECT json_build_object('id', u.id, 'factor', u.factor, 'rounding', u.rounding, 'category', u.category_id) FROM uom_uom u WHERE u.id = t.uom_id),
      'rules', (SELECT COALESCE(json_agg(json_build_object('id', r.id, 'min_quantity', r.min_quantity) ORDER BY r.pos), '[]') FROM (
          SELECT ${i('id')} AS id, ${i('min_quantity')} AS min_quantity, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
            FROM ${sql.table(items.table)} AS ${sql.table(items.alias)} ${sql.join(joins, sql` `)}
           WHERE ${i('pricelist_id')} = o.pricelist_id
             AND (${i('categ_id')} IS NULL OR ${i('categ_id')}::text = ANY(string_to_array(rtrim((SELECT pc.parent_path FROM product_category pc WHERE pc.id = t.categ_id), '/'), '/')))
             AND (${i('product_tmpl_id')} IS NULL OR ${i('product_tmpl_id')} = p.product_tmpl_id)
             AND (${i('product_id')} IS NULL OR ${i('product_id')} = p.id)
             AND (${i('date_start')} IS NULL OR ${i('date_start')} <= ${date})
             AND (${i('date_end')} IS NULL OR ${i('date_end')} >= ${date})
             AND (${i('applied_on')} <> '1_product' OR ${i('product_tmpl_id')} = p.product_tmpl_id)
             AND (${i('applied_on')} <> '0_product_variant' OR ${i('product_id')} = p.id)
             AND ${items.where}) r))
    FROM sale_order o JOIN product_product p ON p.id = ${column(a, 'product_id')} JOIN product_template t ON t.id = p.product_tmpl_id
   WHERE o.id = ${column(a, 'order_id')} AND o.pricelist_id IS NOT NULL AND ${column(a, 'display_type')} IS NULL)`;
}

/** `uom._compute_quantity(qty, product_uom, raise_if_failure=False)`: the quantity in the product's unit. */
function quantityInProductUom(facts: PricelistRuleFacts): number {
  const from = facts.line_uom;
  const to = facts.product_uom;
  if (!from || !to || from.id === to.id) return facts.qty;
  if (from.category !== to.category) return facts.qty;
  return roundUp((facts.qty / Number(from.factor)) * Number(to.factor), Number(to.rounding));
}

function pricelistItem(r: Record<string, unknown>): number | false {
  const facts = json<PricelistRuleFacts | null>(r.pricelist_item_id);
  if (!facts) return false;
  const quantity = quantityInProductUom(facts);
  const rule = facts.rules.find((candidate) => !(Number(candidate.min_quantity) && quantity < Number(candidate.min_quantity)));
  return rule ? rule.id : false;
}

/** A one2many on product.document's (inherited) res_id with the domain res_model = `resModel`, as the reader. */
function productDocuments(resModel: string): ComputedField {
  return asReader('product_document_ids', ['product.document'], ['product_document', 'ir_attachment'],
    (a, scope) => {
      const docs = searchAsReader(scope, 'product.document', []);
      const docModel = scope.env.registry.model('product.document')!;
      const joins: Sql[] = [];
      const order = orderToSql(scope.env, docModel, docs.alias, `${docModel.order ?? 'sequence, name'}, id`, joins);
      return sql`(SELECT COALESCE(json_agg(x.id ORDER BY x.pos), '[]') FROM (
          SELECT ${sql.ref(`${docs.alias}.id`)} AS id, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
            FROM ${sql.table(docs.table)} AS ${sql.table(docs.alias)} ${sql.join(joins, sql` `)}
            JOIN ir_attachment doc_att ON doc_att.id = ${sql.ref(`${docs.alias}.ir_attachment_id`)}
           WHERE doc_att.res_model = ${resModel} AND doc_att.res_id = ${column(a, 'id')} AND ${docs.where}) x)`;
    },
    (r) => json<number[] | null>(r.product_document_ids) ?? []);
}

/** `self.env.company.root_id`: the root of the reading call's company. */
function envRootCompany(scope: ComputeScope): Sql {
  return sql`(SELECT split_part(e.parent_path, '/', 1)::int FROM res_company e WHERE e.id = ${sql.lit(scope.env.companyId ?? 0)})`;
}

interface CompanyRateFacts { rate: number | null; latest: number | null; last: number | null }

function companyRate(r: Record<string, unknown>): number {
  const facts = json<CompanyRateFacts>(r.company_rate);
  const rate = Number(facts.rate) || Number(facts.latest) || 1.0;
  return rate / (Number(facts.last) || 1);
}

const companyRateFacts = (a: string, scope: ComputeScope) => {
  const company = sql`COALESCE(${column(a, 'company_id')}, ${envRootCompany(scope)})`;
  // `_get_latest_rate` (sudo): the currency's last non-zero rate of that company before this rate's date;
  // `_get_last_rates_for_companies` (sudo): the last rate of the company's own currency, its own or a shared one.
  return sql`json_build_object(
    'rate', ${column(a, 'rate')},
    'latest', (SELECT lr.rate FROM res_currency_rate lr WHERE lr.currency_id = ${column(a, 'currency_id')} AND lr.rate <> 0
                 AND lr.company_id = ${company} AND lr.name < ${column(a, 'name')} ORDER BY lr.name DESC, lr.id DESC LIMIT 1),
    'last', (SELECT cr.rate FROM res_company rc JOIN res_currency_rate cr ON cr.currency_id = rc.currency_id
              WHERE rc.id = ${company} AND ((cr.rate <> 0 AND cr.company_id = rc.id) OR cr.company_id IS NULL)
              ORDER BY cr.name DESC, cr.id DESC LIMIT 1))`;
};

/** `res.company._get_main_company()`: base.main_company, else the first company. */
const mainCompanyCurrency = sql`COALESCE(
  (SELECT c.currency_id FROM ir_model_data d JOIN res_company c ON c.id = d.res_id WHERE d.module = 'base' AND d.name = 'main_company' AND d.model = 'res.company'),
  (SELECT c.currency_id FROM res_company c ORDER BY c.id LIMIT 1))`;

const comboCurrency = (a: string) => sql`COALESCE((SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}), ${mainCompanyCurrency})`;

interface ComboPriceFacts {
  currency: number | null;
  rounding: number | null;
  digits: number | null;
  items: { price: number; currency: number | null }[];
}

function comboBasePrice(r: Record<string, unknown>): number {
  const facts = json<ComboPriceFacts>(r.base_price);
  if (!facts.items.length) return 0;
  const prices = facts.items.map((item) => {
    if (item.currency !== facts.currency) throw missingBehaviour('product.combo', 'the computed field base_price across currencies');
    const lstPrice = roundDigits(Number(item.price), facts.digits ?? 2);
    return roundTo(lstPrice, Number(facts.rounding ?? 0.01));
  });
  return roundDigits(Math.min(...prices), facts.digits ?? 2);
}

const productPriceDigits = sql`COALESCE((SELECT dp.digits FROM decimal_precision dp WHERE dp.name = 'Product Price' ORDER BY dp.id LIMIT 1), 2)`;

interface MemberWarningFacts { multi: string | null; user: string | null; teams: string[]; lang: string }

function memberWarning(r: Record<string, unknown>): string | false {
  const facts = json<MemberWarningFacts>(r.member_warning);
  if (facts.multi || r.active !== true || !facts.teams.length) return false;
  if (facts.lang !== 'en_US') throw missingBehaviour('crm.team.member', `the computed field member_warning in ${facts.lang}`);
  return `Adding ${facts.user ?? 'False'} in this team will remove them from ${facts.teams.join(', ')}. Working in multiple teams? Activate the option under Configuration>Settings.`;
}

/** Whether the reading context names an installed language other than en_US, in which `_()` would translate (Ficus carries no translations). */
const translatedLang = (scope: ComputeScope) => sql`EXISTS (SELECT 1 FROM res_lang tl WHERE tl.active AND tl.code <> 'en_US' AND tl.code = ${scope.env.lang}::text)`;

/** A related record's display name as its own model's rule gives it (display-name.ts), null without one. */
function relatedDisplayName(scope: ComputeScope, modelName: string, table: string, id: Sql): Sql {
  const model = scope.env.registry.model(modelName);
  const name = model ? displayNameSql(scope.env, model, 'named') : null;
  return name ? sql`(SELECT ${name} FROM ${sql.table(table)} AS named WHERE named.id = ${id})` : sql`NULL`;
}

const TAX_STRING_TABLES = ['decimal_precision', 'account_tax', 'product_taxes_rel', 'account_tax_filiation_rel', 'account_tax_group', 'account_tax_repartition_line', 'res_company', 'res_currency', 'res_lang', 'res_users', 'res_partner', 'ir_model_data', 'product_template'];

const MEMBERSHIP_MULTI = sql`(SELECT p.value FROM ir_config_parameter p WHERE p.key = 'sales_team.membership_multi')`;

export const PRODUCT_SALE_LINE_COMPUTED_FIELDS: Record<string, ComputedField> = {
  ...Object.fromEntries(ANALYTIC_MIXIN_MODELS.flatMap((model) => [
    [`${model}.analytic_precision`, analyticPrecision],
    [`${model}.distribution_analytic_account_ids`, distributionAccounts],
  ])),
  'sale.order.line.is_configurable_product': {
    dependsOn: [], readsTables: ['product_product', 'product_template'],
    select: (a) => sql`(SELECT t.has_configurable_attributes FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = ${column(a, 'product_id')})`,
    compute: (r) => r.is_configurable_product === true,
  },
  'sale.order.line.pricelist_item_id': asReader(
    'pricelist_item_id', ['product.pricelist.item'], ['product_pricelist_item', 'sale_order', 'product_product', 'product_template', 'product_category', 'uom_uom'],
    pricelistRuleFacts, pricelistItem,
    {
      many2one: 'product.pricelist.item',
      reaches: (a) => sql`(${column(a, 'product_id')} IS NOT NULL AND ${column(a, 'display_type')} IS NULL
        AND EXISTS (SELECT 1 FROM sale_order so WHERE so.id = ${column(a, 'order_id')} AND so.pricelist_id IS NOT NULL))`,
    },
  ),
  'product.template.tax_string': asReader('tax_string', ['account.tax'], TAX_STRING_TABLES,
    (a, scope) => taxStringFacts(scope, column(a, 'id'), column(a, 'list_price')),
    (r) => taxString(json<TaxStringFacts>(r.tax_string))),
  'product.product.tax_string': asReader('tax_string', ['account.tax'], [...TAX_STRING_TABLES, 'product_variant_combination', 'product_template_attribute_value'],
    (a, scope) => {
      if (scope.env.context?.uom !== undefined) throw missingBehaviour('product.product', 'the computed field tax_string with a uom in the context');
      // lst_price as the variant caches it: rounded to its Product Price digits.
      const lstPrice = sql`round(((SELECT COALESCE(lt.list_price, 0) FROM product_template lt WHERE lt.id = ${column(a, 'product_tmpl_id')}) + COALESCE((SELECT sum(v.price_extra)
          FROM product_variant_combination pc JOIN product_template_attribute_value v ON v.id = pc.product_template_attribute_value_id WHERE pc.product_product_id = ${column(a, 'id')}), 0))::numeric, ${productPriceDigits})`;
      return taxStringFacts(scope, column(a, 'product_tmpl_id'), lstPrice);
    },
    (r) => taxString(json<TaxStringFacts>(r.tax_string))),
  'product.template.product_document_ids': productDocuments('product.template'),
  'product.product.product_document_ids': productDocuments('product.product'),
  'product.template.packaging_ids': asReader('packaging_ids', ['product.packaging'], ['product_packaging', 'product_product'],
    (a, scope) => {
      const packagings = searchAsReader(scope, 'product.packaging', []);
      const packagingModel = scope.env.registry.model('product.packaging')!;
      const joins: Sql[] = [];
      const order = orderToSql(scope.env, packagingModel, packagings.alias, packagingModel.order ?? 'product_id, sequence, id', joins);
      const variants = sql`(SELECT pv.id FROM product_product pv WHERE pv.product_tmpl_id = ${column(a, 'id')} AND pv.active)`;
      return sql`CASE WHEN (SELECT count(*) FROM ${variants} only_variant) = 1 THEN (SELECT COALESCE(json_agg(x.id ORDER BY x.pos), '[]') FROM (
          SELECT ${sql.ref(`${packagings.alias}.id`)} AS id, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
            FROM ${sql.table(packagings.table)} AS ${sql.table(packagings.alias)} ${sql.join(joins, sql` `)}
           WHERE ${sql.ref(`${packagings.alias}.product_id`)} IN ${variants} AND ${packagings.where}) x) END`;
    },
    (r) => json<number[] | null>(r.packaging_ids) ?? []),
  // product product_pricelist_item.py `_compute_name`: what the rule applies to, in words.
  'product.pricelist.item.name': {
    dependsOn: [], readsTables: ['product_category', 'product_template', 'product_product', 'product_variant_combination', 'product_template_attribute_value', 'product_attribute_value', 'product_attribute', 'res_lang'],
    select: (a, scope) => {
      const c = (name: string) => column(a, name);
      return sql`json_build_object('translated', ${translatedLang(scope)}, 'name', CASE
        WHEN ${c('categ_id')} IS NOT NULL AND ${c('applied_on')} = '2_product_category' THEN 'Category: ' || COALESCE(${relatedDisplayName(scope, 'product.category', 'product_category', c('categ_id'))}, 'False')
        WHEN ${c('product_tmpl_id')} IS NOT NULL AND ${c('applied_on')} = '1_product' THEN COALESCE(${relatedDisplayName(scope, 'product.template', 'product_template', c('product_tmpl_id'))}, '')
        WHEN ${c('product_id')} IS NOT NULL AND ${c('applied_on')} = '0_product_variant' THEN 'Variant: ' || COALESCE(${productDisplaySql(scope.env, c('product_id'))}, 'False')
        WHEN ${c('display_applied_on')} = '2_product_category' THEN 'All Categories'
        ELSE 'All Products' END)`;
    },
    compute: (r) => {
      const facts = json<{ translated: boolean; name: string }>(r.name);
      if (facts.translated) throw missingBehaviour('product.pricelist.item', 'the computed field name in a language other than en_US');
      return facts.name || false;
    },
  },
  'res.currency.rate.company_rate': {
    dependsOn: [], readsTables: ['res_currency_rate', 'res_company'],
    select: (a, scope) => companyRateFacts(a, scope),
    compute: companyRate,
  },
  'res.currency.rate.inverse_company_rate': {
    dependsOn: [], readsTables: ['res_currency_rate', 'res_company'],
    select: (a, scope) => companyRateFacts(a, scope),
    compute: (r) => 1.0 / (companyRate({ company_rate: r.inverse_company_rate }) || 1.0),
  },
  'product.attribute.number_related_products': asReader('number_related_products', ['product.template.attribute.line'], ['product_template_attribute_line', 'product_template'],
    (a, scope) => {
      const lines = searchAsReader(scope, 'product.template.attribute.line', [['product_tmpl_id.active', '=', true]]);
      return sql`(SELECT count(*)::int FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)}
        WHERE ${sql.ref(`${lines.alias}.attribute_id`)} = ${column(a, 'id')} AND ${lines.where})`;
    },
    (r) => Number(r.number_related_products ?? 0)),
  'product.attribute.value.is_used_on_products': asReader(
    'is_used_on_products', ['product.template.attribute.line'], ['product_attribute_value_product_template_attribute_line_rel', 'product_template_attribute_line', 'product_template'],
    (a, scope) => {
      const lines = searchAsReader(scope, 'product.template.attribute.line', []);
      return sql`EXISTS (SELECT 1 FROM product_attribute_value_product_template_attribute_line_rel rel
          JOIN ${sql.table(lines.table)} AS ${sql.table(lines.alias)} ON ${sql.ref(`${lines.alias}.id`)} = rel.product_template_attribute_line_id
          JOIN product_template used_tmpl ON used_tmpl.id = ${sql.ref(`${lines.alias}.product_tmpl_id`)}
         WHERE rel.product_attribute_value_id = ${column(a, 'id')} AND used_tmpl.active AND ${lines.where})`;
    },
    (r) => r.is_used_on_products === true),
  'product.attribute.value.default_extra_price_changed': { dependsOn: [], compute: () => false },
  'product.supplierinfo.price_discounted': {
    dependsOn: ['price', 'discount'],
    compute: (r) => Number(r.price ?? 0) * (1 - Number(r.discount ?? 0) / 100),
  },
  'product.combo.currency_id': {
    dependsOn: [], readsTables: ['res_company', 'ir_model_data'], many2one: 'res.currency',
    select: (a) => comboCurrency(a),
    compute: (r) => r.currency_id ?? false,
  },
  'product.combo.combo_item_count': asReader('combo_item_count', ['product.combo.item'], ['product_combo_item'],
    (a, scope) => {
      const items = searchAsReader(scope, 'product.combo.item', []);
      return sql`(SELECT count(*)::int FROM ${sql.table(items.table)} AS ${sql.table(items.alias)} WHERE ${sql.ref(`${items.alias}.combo_id`)} = ${column(a, 'id')} AND ${items.where})`;
    },
    (r) => Number(r.combo_item_count ?? 0)),
  'product.combo.base_price': asReader(
    'base_price', ['product.combo.item'], ['product_combo_item', 'product_product', 'product_template', 'res_company', 'res_currency', 'decimal_precision', 'ir_model_data', 'product_variant_combination', 'product_template_attribute_value'],
    (a, scope) => {
      if (scope.env.context?.uom !== undefined) throw missingBehaviour('product.combo', 'the computed field base_price with a uom in the context');
      const items = searchAsReader(scope, 'product.combo.item', []);
      const it = (name: string) => sql.ref(`${items.alias}.${name}`);
      return sql`json_build_object(
        'currency', ${comboCurrency(a)},
        'rounding', (SELECT cur.rounding FROM res_currency cur WHERE cur.id = ${comboCurrency(a)}),
        'digits', ${productPriceDigits},
        'items', (SELECT COALESCE(json_agg(json_build_object(
              'price', COALESCE(t.list_price, 0) + COALESCE((SELECT sum(v.price_extra) FROM product_variant_combination pc
                 JOIN product_template_attribute_value v ON v.id = pc.product_template_attribute_value_id WHERE pc.product_product_id = p.id), 0),
              'currency', COALESCE((SELECT c.currency_id FROM res_company c WHERE c.id = t.company_id), ${mainCompanyCurrency}))), '[]')
            FROM ${sql.table(items.table)} AS ${sql.table(items.alias)}
            JOIN product_product p ON p.id = ${it('product_id')} JOIN product_template t ON t.id = p.product_tmpl_id
           WHERE ${it('combo_id')} = ${column(a, 'id')} AND ${items.where}))`;
    },
    comboBasePrice),
  'utm.campaign.quotation_count': {
    dependsOn: [], readsTables: ['sale_order'],
    select: (a) => sql`(SELECT count(*)::int FROM sale_order so WHERE so.campaign_id = ${column(a, 'id')})`,
    compute: (r) => Number(r.quotation_count ?? 0),
  },
  'utm.campaign.invoiced_amount': {
    dependsOn: [], readsTables: ['account_move_line', 'account_move'],
    select: (a) => sql`(SELECT -sum(line.balance) FROM account_move_line line JOIN account_move move ON move.id = line.move_id
       WHERE move.state NOT IN ('draft', 'cancel') AND move.campaign_id = ${column(a, 'id')}
         AND move.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt')
         AND line.account_id IS NOT NULL AND line.display_type = 'product')`,
    compute: (r) => Math.trunc(Number(r.invoiced_amount ?? 0)) || 0,
  },
  'crm.team.member.is_membership_multi': {
    dependsOn: [], readsTables: ['ir_config_parameter'],
    select: () => MEMBERSHIP_MULTI,
    compute: (r) => Boolean(r.is_membership_multi),
  },
  // The dashboard button's label: sales_team's placeholder, crm's "Pipeline" for teams with
  // opportunities, sale's "Sales Analysis" for every team in the Sales app (context in_sales_app;
  // sale_crm says the same for the teams with opportunities). `_()` texts: refused in another language.
  'crm.team.dashboard_button_name': {
    dependsOn: [], readsTables: ['res_lang'],
    select: (a, scope) => {
      const crm = scope.env.registry.model('crm.team')?.fields.has('use_opportunities') ?? false;
      const salesApp = !!scope.env.registry.model('sale.order') && !!scope.env.context?.in_sales_app;
      const label = salesApp ? sql`'Sales Analysis'` : crm ? sql`CASE WHEN ${column(a, 'use_opportunities')} THEN 'Pipeline' ELSE 'Big Pretty Button :)' END` : sql`'Big Pretty Button :)'`;
      return sql`json_build_object('label', ${label}, 'translated', ${translatedLang(scope)})`;
    },
    compute: (r) => {
      const facts = json<{ label: string; translated: boolean }>(r.dashboard_button_name);
      if (facts.translated) throw missingBehaviour('crm.team', 'the computed field dashboard_button_name in a language other than en_US');
      return facts.label;
    },
  },
  // sales_team crm_team.py `_compute_is_membership_multi`: the same parameter, as a Boolean.
  'crm.team.is_membership_multi': {
    dependsOn: [], readsTables: ['ir_config_parameter'],
    select: () => MEMBERSHIP_MULTI,
    compute: (r) => Boolean(r.is_membership_multi),
  },
  // crm_team.py `_compute_member_ids`: `crm_team_member_ids.user_id`, the active memberships read as
  // the reader in their `_order` (create_date, id), each user once; archived users left out as
  // x2many values are (active_test).
  'crm.team.member_ids': {
    dependsOn: [], readsTables: ['crm_team_member', 'res_users'],
    select: (a, scope) => {
      const members = searchAsReader(scope, 'crm.team.member', []);
      const m = (name: string) => sql.ref(`${members.alias}.${name}`);
      const activeUsers = scope.env.activeTest ? sql`AND EXISTS (SELECT 1 FROM res_users u WHERE u.id = ${m('user_id')} AND u.active)` : sql``;
      return sql`(SELECT COALESCE(json_agg(x.member ORDER BY x.pos), '[]') FROM (
          SELECT ${m('user_id')} AS member, min(row_number) AS pos FROM (
            SELECT ${m('user_id')}, row_number() OVER (ORDER BY ${m('create_date')} ASC, ${m('id')}) AS row_number
              FROM ${sql.table(members.table)} AS ${sql.table(members.alias)}
             WHERE ${m('crm_team_id')} = ${sql.ref(`${a}.id`)} AND ${m('user_id')} IS NOT NULL ${activeUsers} AND ${members.where}) AS ${sql.table(members.alias)}
          GROUP BY ${m('user_id')}) x)`;
    },
    compute: (r) => (typeof r.member_ids === 'string' ? JSON.parse(r.member_ids) : (r.member_ids ?? [])) as number[],
  },
  'crm.team.member.user_company_ids': asReader('user_company_ids', ['res.company'], ['crm_team', 'res_company'],
    (a, scope) => {
      const companies = searchAsReader(scope, 'res.company', []);
      const companyModel = scope.env.registry.model('res.company')!;
      const joins: Sql[] = [];
      const order = orderToSql(scope.env, companyModel, companies.alias, companyModel.order ?? 'sequence, name', joins);
      return sql`COALESCE((SELECT json_build_array(team.company_id) FROM crm_team team WHERE team.id = ${column(a, 'crm_team_id')} AND team.company_id IS NOT NULL),
        (SELECT COALESCE(json_agg(x.id ORDER BY x.pos), '[]') FROM (
          SELECT ${sql.ref(`${companies.alias}.id`)} AS id, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
            FROM ${sql.table(companies.table)} AS ${sql.table(companies.alias)} ${sql.join(joins, sql` `)} WHERE ${companies.where}) x))`;
    },
    (r) => json<number[] | null>(r.user_company_ids) ?? []),
  'crm.team.member.member_warning': {
    dependsOn: ['active'], readsTables: ['crm_team_member', 'crm_team', 'ir_config_parameter', 'res_users', 'res_partner'],
    select: (a, scope) => {
      const members = searchAsReader(scope, 'crm.team.member', []);
      const memberModel = scope.env.registry.model('crm.team.member')!;
      const teamName = scope.env.registry.model('crm.team')!.fields.get('name')!;
      const joins: Sql[] = [];
      const order = orderToSql(scope.env, memberModel, members.alias, memberModel.order ?? 'create_date ASC, id', joins);
      const m = (name: string) => sql.ref(`${members.alias}.${name}`);
      // The user's teams in the order their memberships are found, each once, less the member's own team.
      return sql`json_build_object('multi', ${MEMBERSHIP_MULTI}, 'lang', ${scope.env.lang}::text,
        'user', (SELECT up.name FROM res_users uu JOIN res_partner up ON up.id = uu.partner_id WHERE uu.id = ${column(a, 'user_id')}),
        'teams', (SELECT COALESCE(json_agg(x.name ORDER BY x.pos), '[]') FROM (
            SELECT DISTINCT ON (y.team) y.team, y.name, y.pos FROM (
              SELECT ${m('crm_team_id')} AS team, ${fieldSql(scope.env, teamName, 'warn_team')} AS name, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
                FROM ${sql.table(members.table)} AS ${sql.table(members.alias)} ${sql.join(joins, sql` `)}
                JOIN crm_team warn_team ON warn_team.id = ${m('crm_team_id')}
               WHERE ${m('user_id')} = ${column(a, 'user_id')} AND ${members.where}) y
             WHERE y.team IS DISTINCT FROM ${column(a, 'crm_team_id')} ORDER BY y.team, y.pos) x))`;
    },
    compute: memberWarning,
  },
};
