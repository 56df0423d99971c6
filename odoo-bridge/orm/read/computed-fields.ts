import { sql, type RawBuilder } from 'kysely';

type Sql = RawBuilder<unknown>;

/**
 * Non-stored computed fields Ficus computes itself. Their Python compute is not in the
 * database, so each one here is a deliberate re-implementation; every other non-stored,
 * non-related field is refused with a clear error when asked for by name, and left out of
 * "all fields" reads (returning a made-up False would be a wrong answer, not a missing one).
 *
 * | field                    | value                                                  |
 * |--------------------------|--------------------------------------------------------|
 * | `<any>.display_name`     | see display-name.ts                                    |
 * | `res.partner.company_type` | `'company'` if `is_company` else `'person'`          |
 * | `res.country.image_url`  | `/base/static/img/country_flags/<code>.png`            |
 * | `res.users.password`     | `''` (Odoo never reads passwords back)                 |
 * | `res.users.new_password` | `''`                                                   |
 * | `uom.uom.factor_inv`     | `1 / factor` (0 when factor is 0)                      |
 * | `uom.uom.ratio`          | 1 (reference), factor_inv (bigger), factor (smaller)   |
 * | `res.company` address    | the company partner's street, street2, zip, city, state_id, country_id (`_compute_address`) |
 * | `ir.model.modules`       | installed modules with an xml id for the model, sorted, `', '`-joined |
 * | `res.currency.rate`      | latest `res_currency_rate` up to today (company rate first), else 1.0 |
 * | `product.category.product_count` | active templates in the category and its children (`child_of`) |
 * | `product.product.price_extra` | sum of the variant's attribute value extras      |
 * | `product.product.lst_price` | template `list_price` + `price_extra` (no uom in context) |
 * | `res.users.points_balance` | hp_points: `balance_after` of the user's latest `points_transactions` row, else 0 |
 * | related, non-stored      | resolved through the related path (read-records.ts)    |
 * | `_inherits` fields       | read on the parent record (read-records.ts)            |
 */
export interface ComputedField {
  /** Stored fields of the same model the value is computed from. */
  readonly dependsOn: readonly string[];
  /**
   * A correlated SQL expression over the record's row (aliased `alias`), selected under the
   * field's name, for computes that aggregate other tables.
   */
  readonly select?: (alias: string) => Sql;
  compute(row: Record<string, unknown>): unknown;
}

const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

export const COMPUTED_FIELDS: Record<string, ComputedField> = {
  'res.partner.company_type': { dependsOn: ['is_company'], compute: (r) => (r.is_company ? 'company' : 'person') },
  'res.country.image_url': {
    dependsOn: ['code'],
    compute: (r) => (r.code ? `/base/static/img/country_flags/${String(r.code).toLowerCase()}.png` : false),
  },
  'res.users.password': { dependsOn: [], compute: () => '' },
  'res.users.new_password': { dependsOn: [], compute: () => '' },
  'uom.uom.factor_inv': { dependsOn: ['factor'], compute: (r) => (r.factor ? 1 / Number(r.factor) : 0) },
  'ir.model.modules': {
    dependsOn: [],
    select: (a) => sql`(SELECT string_agg(DISTINCT d.module, ', ' ORDER BY d.module) FROM ir_model_data d
      JOIN ir_module_module m ON m.name = d.module AND m.state = 'installed'
      WHERE d.model = 'ir.model' AND d.res_id = ${column(a, 'id')})`,
    compute: (r) => r.modules ?? '',
  },
  'res.currency.rate': {
    dependsOn: [],
    select: (a) => sql`(SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${column(a, 'id')}
      AND r.name <= current_date ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1)`,
    compute: (r) => (r.rate === null || r.rate === undefined ? 1 : Number(r.rate)),
  },
  'product.category.product_count': {
    dependsOn: [],
    select: (a) => sql`(SELECT count(*)::int FROM product_template t JOIN product_category c ON c.id = t.categ_id
      WHERE t.active AND c.parent_path LIKE ${column(a, 'parent_path')} || '%')`,
    compute: (r) => Number(r.product_count ?? 0),
  },
  'product.product.price_extra': {
    dependsOn: [],
    select: (a) => priceExtra(a),
    compute: (r) => Number(r.price_extra ?? 0),
  },
  'product.product.lst_price': {
    dependsOn: [],
    select: (a) => sql`((SELECT t.list_price FROM product_template t WHERE t.id = ${column(a, 'product_tmpl_id')}) + ${priceExtra(a)})`,
    compute: (r) => Number(r.lst_price ?? 0),
  },
  // hp_points (M14) res_users.py `_compute_points_balance`: the ledger's last balance.
  'res.users.points_balance': {
    dependsOn: [],
    select: (a) => sql`(SELECT t.balance_after FROM points_transactions t WHERE t.user_id = ${column(a, 'id')} ORDER BY t.id DESC LIMIT 1)`,
    compute: (r) => Number(r.points_balance ?? 0),
  },
  'uom.uom.ratio': {
    dependsOn: ['factor', 'uom_type'],
    compute: (r) => (r.uom_type === 'reference' ? 1 : r.uom_type === 'bigger' ? (r.factor ? 1 / Number(r.factor) : 0) : Number(r.factor ?? 0)),
  },
};

/**
 * Non-stored computed fields whose compute is a plain copy through a many2one: read exactly
 * like related fields (`res.company._compute_address` copies its partner's address).
 */
export const COMPUTED_AS_RELATED: Record<string, string> = Object.fromEntries(
  ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'].map((f) => [`res.company.${f}`, `partner_id.${f}`]),
);

function priceExtra(alias: string): Sql {
  return sql`coalesce((SELECT sum(v.price_extra) FROM product_variant_combination pc
    JOIN product_template_attribute_value v ON v.id = pc.product_template_attribute_value_id
    WHERE pc.product_product_id = ${column(alias, 'id')}), 0)`;
}

export function computedField(model: string, field: string): ComputedField | undefined {
  return COMPUTED_FIELDS[`${model}.${field}`];
}
