import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import { compileWhere } from '../domain/compile.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { roundTo } from '../write/sale/float-round.ts';

/**
 * `sales_count` of product.product and product.template (sale/models/product_product.py and
 * product_template.py, Odoo 18), as the reader:
 *
 * - variant: 0 unless the reader is a salesman (`sales_team.group_sale_salesman`); else the
 *   `product_uom_qty` the reader's sale.report rows sum for the variant over confirmed orders
 *   (`_get_done_states`: 'sale') dated from midnight (UTC) 365 days ago, rounded to the variant's
 *   unit of measure. sale.report is a query, not a table (`_table_query`): its rows are the order
 *   lines (no section/note: `display_type IS NULL`) of orders with a customer, each line's quantity
 *   converted to the product's unit (`qty / line uom factor * product uom factor`, in SQL numeric as
 *   the report computes it), of the companies of the report's currency table (env.companies, which
 *   the report's multi-company rule names too; under sudo, the only limit). Its record rules are
 *   compiled over the order: every field they name must be one sale.report copies from sale_order
 *   unchanged (SAME_AS_ORDER), else the read is refused.
 * - template: the sum of its variants' counts (archived ones included), rounded to its unit.
 */
const SAME_AS_ORDER = new Set(['name', 'partner_id', 'company_id', 'pricelist_id', 'team_id', 'user_id', 'state', 'campaign_id', 'medium_id', 'source_id']);
const TABLES = ['sale_order_line', 'sale_order', 'res_partner', 'product_product', 'product_template', 'uom_uom', 'res_groups_users_rel', 'ir_model_data', 'res_company_users_rel'];

const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

function isSalesman(scope: ComputeScope): Sql {
  return sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
    AND d.module = 'sales_team' AND d.name = 'group_sale_salesman' WHERE r.uid = ${sql.lit(scope.uid)})`;
}

/** The field names a domain's leaves start from. */
function leafFields(domain: unknown[]): string[] {
  return domain.filter((item): item is unknown[] => Array.isArray(item) && typeof item[0] === 'string').map((leaf) => String(leaf[0]).split('.')[0]!);
}

/** sale.report's read rules as a condition on the order `orderAlias`, and its read right checked. */
function reportRules(scope: ComputeScope, orderAlias: string): Sql {
  const report = scope.env.registry.model('sale.report');
  const order = scope.env.registry.model('sale.order');
  if (!report || !order?.table) throw missingBehaviour('product.product', 'the computed field sales_count (no sale.report in this database)');
  scope.checkRead?.(report);
  const domain = scope.env.ruleDomain?.(report) ?? null;
  if (!domain) return sql`TRUE`;
  const foreign = leafFields(domain).filter((name) => !SAME_AS_ORDER.has(name));
  if (foreign.length) throw missingBehaviour('product.product', `the computed field sales_count under sale.report rules on ${foreign.join(', ')}`);
  return compileWhere(scope.env, order, domain, orderAlias, { sudo: true, activeTest: false });
}

/**
 * The report's currency table joins the orders of env.companies only: the context's
 * `allowed_company_ids` when given, else the reader's companies (sudo does not lift it).
 */
function envCompanies(scope: ComputeScope, orderAlias: string): Sql {
  const allowed = scope.env.context?.allowed_company_ids;
  if (Array.isArray(allowed) && allowed.length && allowed.every((id) => Number.isInteger(id))) return sql`${column(orderAlias, 'company_id')} = ANY(${sql.val(allowed)}::int4[])`;
  return sql`${column(orderAlias, 'company_id')} IN (SELECT cu.cid FROM res_company_users_rel cu WHERE cu.user_id = ${sql.lit(scope.uid)})`;
}

/** The variant's summed quantity (numeric text) as the reader's sale.report has it, 0 for a non-salesman. */
function variantQuantity(scope: ComputeScope, variant: Sql): Sql {
  const s = nextAlias(scope.env, scope.env.registry.model('sale.order')!);
  return sql`CASE WHEN ${isSalesman(scope)} THEN COALESCE((SELECT sum(l.product_uom_qty / u.factor * u2.factor)
      FROM sale_order_line l
      JOIN sale_order ${sql.table(s)} ON ${column(s, 'id')} = l.order_id
      JOIN res_partner partner ON partner.id = ${column(s, 'partner_id')}
      JOIN product_product p ON p.id = l.product_id
      LEFT JOIN product_template t ON t.id = p.product_tmpl_id
      LEFT JOIN uom_uom u ON u.id = l.product_uom
      LEFT JOIN uom_uom u2 ON u2.id = t.uom_id
     WHERE l.display_type IS NULL AND l.product_id = ${variant} AND ${column(s, 'state')} = 'sale'
       AND ${column(s, 'date_order')} >= date_trunc('day', (now() AT TIME ZONE 'UTC') - interval '365 days')
       AND ${envCompanies(scope, s)} AND ${reportRules(scope, s)}), 0) ELSE 0 END`;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

export const SALES_COUNT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'product.product.sales_count': {
    dependsOn: [], readsTables: TABLES,
    select: (a, scope) => sql`json_build_array((${variantQuantity(scope, column(a, 'id'))})::float8,
      (SELECT uu.rounding FROM product_template tt JOIN uom_uom uu ON uu.id = tt.uom_id WHERE tt.id = ${column(a, 'product_tmpl_id')})::float8)`,
    compute: (r) => {
      const [quantity, rounding] = json<[number, number | null]>(r.sales_count);
      return rounding ? roundTo(quantity, rounding) : quantity;
    },
  },
  'product.template.sales_count': {
    dependsOn: [], readsTables: TABLES,
    select: (a, scope) => sql`json_build_array(
      (SELECT COALESCE(json_agg((${variantQuantity(scope, sql.ref('pv.id'))})::float8 ORDER BY pv.id), '[]'::json) FROM product_product pv WHERE pv.product_tmpl_id = ${column(a, 'id')}),
      (SELECT uu.rounding FROM uom_uom uu WHERE uu.id = ${column(a, 'uom_id')})::float8)`,
    compute: (r) => {
      const [quantities, rounding] = json<[number[], number | null]>(r.sales_count);
      const round = (x: number) => (rounding ? roundTo(x, rounding) : x);
      // Each variant's count is rounded to its unit (the template's) before the template sums and rounds again.
      return round(quantities.reduce((sum, quantity) => sum + round(quantity), 0));
    },
  },
};
