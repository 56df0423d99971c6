import { sql } from 'kysely';
import type { Sql } from '../domain/search-env.ts';
import { orderToSql } from '../sql/order.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';

/**
 * Non-stored computes of product.template / product.product that an all-fields read answers
 * (Odoo 18 product and sale):
 *
 * | field | source | reads as |
 * |---|---|---|
 * | template product_tooltip | product `_prepare_tooltip` + sale's override | the combo text for a combo; with sale, for a saleable product, the invoicing policy's text appended |
 * | template visible_expense_policy | sale | the reader is in analytic.group_analytic_accounting and the product can be purchased |
 * | template / variant pricelist_item_count | product | fixed-price pricelist items of active pricelists on the template or its active variants (variant: on its template as `1_product`, on itself as `0_product_variant`), counted as the reader |
 * | template / variant product_document_count | product | product.document rows (as the reader) attached to the template or its active variants (variant: to itself) |
 * | template valid_product_template_attribute_line_ids | product | the attribute lines (as the reader, their `_order`) that have values |
 * | variant code | product `_compute_product_code` | with context partner_id and the read right on vendor lines, the first vendor line of that partner (seller_ids as the reader, `_order`): its code or default_code; else default_code |
 * | variant product_catalog_product_is_in_sale_order | sale | with context order_id, a line of that order (as the reader) sells the variant |
 * | variant all_product_tag_ids | product | the template's tags then the variant's own, each once, stably sorted by sequence |
 * | variant can_image_1024_be_zoomed | product | the variant's own flag when it has its own image, else the template's |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const activeVariants = (template: Sql) => sql`(SELECT pv.id FROM product_product pv WHERE pv.product_tmpl_id = ${template} AND pv.active)`;

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function groupMember(scope: ComputeScope, module: string, name: string): Sql {
  return sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
    AND d.module = ${sql.lit(module)} AND d.name = ${sql.lit(name)} WHERE r.uid = ${sql.lit(scope.uid)})`;
}

function pricelistItemCount(variant: boolean): ComputedField {
  return {
    dependsOn: [], readsTables: ['product_pricelist_item', 'product_pricelist', 'product_product'],
    select: (a, scope) => {
      const items = searchAsReader(scope, 'product.pricelist.item', [['pricelist_id.active', '=', true], ['compute_price', '=', 'fixed']]);
      const i = (name: string) => sql.ref(`${items.alias}.${name}`);
      const on = variant
        ? sql`((${i('product_tmpl_id')} = ${column(a, 'product_tmpl_id')} AND ${i('applied_on')} = '1_product') OR (${i('product_id')} = ${column(a, 'id')} AND ${i('applied_on')} = '0_product_variant'))`
        : sql`(${i('product_tmpl_id')} = ${column(a, 'id')} OR ${i('product_id')} IN ${activeVariants(column(a, 'id'))})`;
      return sql`(SELECT count(*)::int FROM ${sql.table(items.table)} AS ${sql.table(items.alias)} WHERE ${on} AND ${items.where})`;
    },
    compute: (r) => Number(r.pricelist_item_count ?? 0),
  };
}

function documentCount(variant: boolean): ComputedField {
  return {
    dependsOn: [], readsTables: ['product_document', 'ir_attachment', 'product_product'],
    select: (a, scope) => {
      const docs = searchAsReader(scope, 'product.document', []);
      const attached = variant
        ? sql`(ia.res_model = 'product.product' AND ia.res_id = ${column(a, 'id')})`
        : sql`((ia.res_model = 'product.template' AND ia.res_id = ${column(a, 'id')}) OR (ia.res_model = 'product.product' AND ia.res_id IN ${activeVariants(column(a, 'id'))}))`;
      return sql`(SELECT count(*)::int FROM ${sql.table(docs.table)} AS ${sql.table(docs.alias)}
          JOIN ir_attachment ia ON ia.id = ${sql.ref(`${docs.alias}.ir_attachment_id`)} WHERE ${attached} AND ${docs.where})`;
    },
    compute: (r) => Number(r.product_document_count ?? 0),
  };
}

const INVOICING_TOOLTIPS = {
  delivery: 'Invoice after delivery, based on quantities delivered, not ordered.',
  consu: 'You can invoice goods before they are delivered.',
  service: 'Invoice ordered quantities as soon as this service is sold.',
} as const;

interface TooltipFacts { type: string | null; sale_ok?: boolean | null; policy?: string | null; sale: boolean }

function tooltip(facts: TooltipFacts): string {
  let text = facts.type === 'combo' ? 'Combos allow to choose one product amongst a selection of choices per category.' : '';
  if (!facts.sale || !facts.sale_ok) return text;
  const invoicing = facts.policy === 'delivery' ? INVOICING_TOOLTIPS.delivery
    : facts.policy === 'order' && facts.type === 'consu' ? INVOICING_TOOLTIPS.consu
    : facts.policy === 'order' && facts.type === 'service' ? INVOICING_TOOLTIPS.service : '';
  text = text ? `${text} ${invoicing}` : invoicing;
  return text;
}

/** The first vendor line of context partner_id for the variant's template, as the reader, in product.supplierinfo's `_order`. */
function partnerSeller(scope: ComputeScope, template: Sql): Sql {
  const partner = scope.env.context?.partner_id;
  if (typeof partner !== 'number') return sql`NULL::json`;
  const sellers = searchAsReader(scope, 'product.supplierinfo', []);
  const joins: Sql[] = [];
  const order = orderToSql(scope.env, scope.env.registry.model('product.supplierinfo')!, sellers.alias, 'sequence, min_qty DESC, price, id', joins);
  const s = (name: string) => sql.ref(`${sellers.alias}.${name}`);
  return sql`(SELECT json_build_object('code', ${s('product_code')}, 'name', ${s('product_name')})
      FROM ${sql.table(sellers.table)} AS ${sql.table(sellers.alias)} ${sql.join(joins, sql` `)}
     WHERE ${s('product_tmpl_id')} = ${template} AND ${s('partner_id')} = ${sql.lit(partner)} AND ${sellers.where}
     ORDER BY ${sql.join(order)} LIMIT 1)`;
}

export const PRODUCT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'product.template.product_tooltip': {
    dependsOn: [],
    select: (a, scope) => {
      const model = scope.env.registry.model('product.template')!;
      const sale = model.fields.get('invoice_policy')?.column;
      return sale
        ? sql`json_build_object('type', ${column(a, 'type')}, 'sale_ok', ${column(a, 'sale_ok')}, 'policy', ${column(a, 'invoice_policy')}, 'sale', true)`
        : sql`json_build_object('type', ${column(a, 'type')}, 'sale', false)`;
    },
    compute: (r) => tooltip(json<TooltipFacts>(r.product_tooltip)),
  },
  'product.template.visible_expense_policy': {
    dependsOn: ['purchase_ok'], readsTables: ['res_groups_users_rel', 'ir_model_data'],
    select: (_a, scope) => groupMember(scope, 'analytic', 'group_analytic_accounting'),
    compute: (r) => r.visible_expense_policy === true && r.purchase_ok === true,
  },
  'product.template.pricelist_item_count': pricelistItemCount(false),
  'product.product.pricelist_item_count': pricelistItemCount(true),
  'product.template.product_document_count': documentCount(false),
  'product.product.product_document_count': documentCount(true),
  'product.template.valid_product_template_attribute_line_ids': {
    dependsOn: [], readsTables: ['product_template_attribute_line', 'product_attribute_value_product_template_attribute_line_rel'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'product.template.attribute.line', []);
      const joins: Sql[] = [];
      const order = orderToSql(scope.env, scope.env.registry.model('product.template.attribute.line')!, lines.alias, 'sequence, attribute_id, id', joins);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      const values = searchAsReader(scope, 'product.attribute.value', []);
      return sql`(SELECT COALESCE(json_agg(x.id ORDER BY x.pos), '[]') FROM (
          SELECT ${l('id')} AS id, row_number() OVER (ORDER BY ${sql.join(order)}) AS pos
            FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} ${sql.join(joins, sql` `)}
           WHERE ${l('product_tmpl_id')} = ${column(a, 'id')} AND ${lines.where}
             AND EXISTS (SELECT 1 FROM product_attribute_value_product_template_attribute_line_rel rel
                          JOIN ${sql.table(values.table)} AS ${sql.table(values.alias)} ON ${sql.ref(`${values.alias}.id`)} = rel.product_attribute_value_id
                         WHERE rel.product_template_attribute_line_id = ${l('id')} AND ${values.where})) x)`;
    },
    compute: (r) => json<number[] | null>(r.valid_product_template_attribute_line_ids) ?? [],
  },
  'product.product.code': {
    dependsOn: ['default_code'], readsTables: ['product_supplierinfo'],
    select: (a, scope) => {
      const supplierinfo = scope.env.registry.model('product.supplierinfo');
      // `ir.model.access.check(..., raise_exception=False)`: without the read right the vendor code is not looked for.
      let readable = !!supplierinfo;
      try {
        if (supplierinfo) scope.checkRead?.(supplierinfo);
      } catch {
        readable = false;
      }
      return readable ? partnerSeller(scope, column(a, 'product_tmpl_id')) : sql`NULL::json`;
    },
    compute: (r) => {
      const seller = json<{ code: string | null } | null>(r.code);
      return (seller ? seller.code || r.default_code : r.default_code) || false;
    },
  },
  // sale product_product.py `_compute_product_is_in_sale_order`: with context order_id, whether a line of that
  // order (sale.order.line `_read_group` as the reader) sells the variant; else False.
  'product.product.product_catalog_product_is_in_sale_order': {
    dependsOn: [], readsTables: ['sale_order_line'],
    select: (a, scope) => {
      const order = scope.env.context?.order_id;
      if (!order) return sql`false`;
      const lines = searchAsReader(scope, 'sale.order.line', []);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      return sql`EXISTS (SELECT 1 FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)}
        WHERE ${l('order_id')} = ${typeof order === 'number' ? sql.lit(order) : sql`NULL`} AND ${l('product_id')} = ${column(a, 'id')} AND ${lines.where})`;
    },
    compute: (r) => r.product_catalog_product_is_in_sale_order === true,
  },
  'product.product.all_product_tag_ids': {
    dependsOn: [], readsTables: ['product_tag', 'product_tag_product_template_rel', 'product_tag_product_product_rel'],
    select: (a, scope) => {
      const tags = searchAsReader(scope, 'product.tag', []);
      const t = (name: string) => sql.ref(`${tags.alias}.${name}`);
      return sql`(SELECT COALESCE(json_agg(x.id ORDER BY x.sequence, x.part, x.seq2, x.id), '[]') FROM (
          SELECT DISTINCT ON (u.id) u.id, u.sequence, u.part, u.seq2 FROM (
            SELECT ${t('id')} AS id, ${t('sequence')} AS sequence, 0 AS part, ${t('sequence')} AS seq2 FROM ${sql.table(tags.table)} AS ${sql.table(tags.alias)}
              JOIN product_tag_product_template_rel r ON r.product_tag_id = ${t('id')} WHERE r.product_template_id = ${column(a, 'product_tmpl_id')} AND ${tags.where}
            UNION ALL
            SELECT ${t('id')}, ${t('sequence')}, 1, ${t('sequence')} FROM ${sql.table(tags.table)} AS ${sql.table(tags.alias)}
              JOIN product_tag_product_product_rel r ON r.product_tag_id = ${t('id')} WHERE r.product_product_id = ${column(a, 'id')} AND ${tags.where}) u
          ORDER BY u.id, u.part) x)`;
    },
    compute: (r) => json<number[] | null>(r.all_product_tag_ids) ?? [],
  },
  'product.product.can_image_1024_be_zoomed': {
    dependsOn: ['can_image_variant_1024_be_zoomed'], readsTables: ['ir_attachment', 'product_template'],
    select: (a) => sql`CASE WHEN EXISTS (SELECT 1 FROM ir_attachment i WHERE i.res_model = 'product.product' AND i.res_field = 'image_variant_1920' AND i.res_id = ${column(a, 'id')})
      THEN NULL ELSE COALESCE((SELECT t.can_image_1024_be_zoomed FROM product_template t WHERE t.id = ${column(a, 'product_tmpl_id')}), false) END`,
    compute: (r) => (r.can_image_1024_be_zoomed === null || r.can_image_1024_be_zoomed === undefined ? r.can_image_variant_1024_be_zoomed === true : r.can_image_1024_be_zoomed === true),
  },
};
