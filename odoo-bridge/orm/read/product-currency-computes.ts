import { sql } from 'kysely';
import { formataddr, partnerEmailFormatted } from '../write/mail/mail-format.ts';
import type { ComputedField } from './computed-field.ts';

const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/**
 * `_get_weight_uom_name_from_ir_config_parameter` / `_get_volume_uom_name_…` (product
 * product_template.py): the display name of uom.product_uom_lb when the `product.weight_in_lbs`
 * parameter is '1', else uom.product_uom_kgm; of uom.product_uom_cubic_foot when
 * `product.volume_in_cubic_feet` is '1', else uom.product_uom_cubic_meter. Read with sudo.
 */
function uomNameFromParameter(field: string, parameter: string, whenSet: string, otherwise: string): ComputedField {
  return {
    dependsOn: [], readsTables: ['ir_config_parameter', 'ir_model_data', 'uom_uom'],
    select: (_a, scope) => sql`(SELECT COALESCE(u.name->>${scope.env.lang}, u.name->>'en_US') FROM uom_uom u JOIN ir_model_data d ON d.model = 'uom.uom' AND d.res_id = u.id AND d.module = 'uom'
      WHERE d.name = CASE WHEN (SELECT p.value FROM ir_config_parameter p WHERE p.key = ${parameter}) = '1' THEN ${whenSet} ELSE ${otherwise} END LIMIT 1)`,
    compute: (r) => r[field] ?? false,
  };
}

/** The reading company's root company (`env.company.root_id`: the first label of its parent_path). */
const rootCompanyCurrency = (companyId: number | null) =>
  sql`(SELECT r.currency_id FROM res_company c JOIN res_company r ON r.id = split_part(c.parent_path, '/', 1)::int WHERE c.id = ${companyId})`;

/** The latest rate of a currency up to today, the company's own rates first (the `rate` compute's rule), else 1. */
const latestRate = (currency: unknown) =>
  sql`COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${currency} AND r.name <= current_date ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1), 1)`;

/**
 * Non-stored computes of product and res.currency (all-fields reads of odoorpc and the web
 * client), each as the Python computes it in the modules installed (product, base):
 *
 * | field | value |
 * |---|---|
 * | `product.template.is_product_variant` / `product.product.…` | False / True |
 * | `product.template.weight_uom_name`, `volume_uom_name` | see uomNameFromParameter |
 * | `product.template.cost_currency_id` | the template company's currency, else env.company's |
 * | `product.template.product_variant_id` | `product_variant_ids[:1]`: the first active variant in product.product `_order` (is_favorite desc, default_code, name, id; is_favorite and name are the template's) |
 * | `res.currency.date` | `rate_ids[:1].name`: the latest rate's date (res.currency.rate `_order` name desc) |
 * | `res.currency.is_current_company_currency` | the currency of env.company's root company |
 * | `res.currency.inverse_rate` / `rate_string` | `1 / rate`; '' for the root company's currency, else `'1 %s = %.6f %s' % (company currency, rate, name)` |
 * | `product.template.barcode` | the barcode of its only active variant, else False (`_compute_template_field_from_variant_field`) |
 * | `res.company.bounce_email` / `catchall_email` (mail) | the alias domain's `<alias>@<domain>`, '' without a domain or alias |
 * | `res.company.bounce_formatted` / `catchall_formatted` | `formataddr((company name, that email))`, '' without a domain |
 * | `res.company.email_formatted` | the company partner's email_formatted, else catchall_formatted, else '' |
 */
/** mail.alias.domain `<alias>@<name>` of the company's alias domain ('' without domain or alias), and the company's name. */
function aliasEmail(field: string, alias: 'bounce_alias' | 'catchall_alias', formatted: boolean): ComputedField {
  return {
    dependsOn: ['name'], readsTables: ['mail_alias_domain'],
    select: (a) => sql`(SELECT CASE WHEN d.${sql.ref(alias)} IS NOT NULL AND d.${sql.ref(alias)} <> '' THEN d.${sql.ref(alias)} || '@' || d.name ELSE '' END
      FROM mail_alias_domain d WHERE d.id = ${column(a, 'alias_domain_id')})`,
    compute: (r) => {
      const email = (r[field] as string | null | undefined) ?? '';
      // `self.filtered('alias_domain_id')`: without a domain both stay ''.
      if (r.alias_domain_id == null) return '';
      return formatted ? formataddr((r.name as string | null) || 'False', email) : email;
    },
  };
}

export const PRODUCT_CURRENCY_COMPUTED_FIELDS: Readonly<Record<string, ComputedField>> = {
  'product.template.barcode': {
    dependsOn: [], readsTables: ['product_product'],
    select: (a) => sql`(SELECT CASE WHEN count(*) = 1 THEN max(p.barcode) END FROM product_product p WHERE p.product_tmpl_id = ${column(a, 'id')} AND p.active)`,
    compute: (r) => r.barcode || false,
  },
  'res.company.bounce_email': { ...aliasEmail('bounce_email', 'bounce_alias', false), dependsOn: ['name', 'alias_domain_id'] },
  'res.company.bounce_formatted': { ...aliasEmail('bounce_formatted', 'bounce_alias', true), dependsOn: ['name', 'alias_domain_id'] },
  'res.company.catchall_email': { ...aliasEmail('catchall_email', 'catchall_alias', false), dependsOn: ['name', 'alias_domain_id'] },
  'res.company.catchall_formatted': { ...aliasEmail('catchall_formatted', 'catchall_alias', true), dependsOn: ['name', 'alias_domain_id'] },
  'res.company.email_formatted': {
    dependsOn: ['name', 'alias_domain_id'], readsTables: ['res_partner', 'mail_alias_domain'],
    select: (a) => sql`(SELECT json_build_array(p.name, p.email, (SELECT CASE WHEN d.catchall_alias IS NOT NULL AND d.catchall_alias <> '' THEN d.catchall_alias || '@' || d.name ELSE '' END
      FROM mail_alias_domain d WHERE d.id = ${column(a, 'alias_domain_id')})) FROM res_partner p WHERE p.id = ${column(a, 'partner_id')})`,
    compute: (r) => {
      const [partnerName, partnerEmail, catchall] = (r.email_formatted as [string | null, string | null, string | null] | null) ?? [null, null, null];
      const own = partnerEmailFormatted(partnerName, partnerEmail);
      if (own) return own;
      return r.alias_domain_id != null ? formataddr((r.name as string | null) || 'False', catchall ?? '') : '';
    },
  },
  'product.template.is_product_variant': { dependsOn: [], compute: () => false },
  'product.product.is_product_variant': { dependsOn: [], compute: () => true },
  'product.template.weight_uom_name': uomNameFromParameter('weight_uom_name', 'product.weight_in_lbs', 'product_uom_lb', 'product_uom_kgm'),
  'product.template.volume_uom_name': uomNameFromParameter('volume_uom_name', 'product.volume_in_cubic_feet', 'product_uom_cubic_foot', 'product_uom_cubic_meter'),
  'product.template.cost_currency_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.currency',
    select: (a, scope) => sql`COALESCE((SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}), (SELECT c.currency_id FROM res_company c WHERE c.id = ${scope.env.companyId}))`,
    compute: (r) => r.cost_currency_id ?? false,
  },
  'product.template.product_variant_id': {
    dependsOn: [], readsTables: ['product_product', 'product_template'], many2one: 'product.product',
    select: (a, scope) => sql`(SELECT p.id FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
      WHERE p.product_tmpl_id = ${column(a, 'id')} AND p.active
      ORDER BY COALESCE(t.is_favorite, false) DESC, p.default_code, COALESCE(t.name->>${scope.env.lang}, t.name->>'en_US'), p.id LIMIT 1)`,
    compute: (r) => r.product_variant_id ?? false,
  },
  'res.currency.date': {
    dependsOn: [], readsTables: ['res_currency_rate'],
    select: (a) => sql`(SELECT to_char(r.name, 'YYYY-MM-DD') FROM res_currency_rate r WHERE r.currency_id = ${column(a, 'id')} ORDER BY r.name DESC, r.id DESC LIMIT 1)`,
    compute: (r) => r.date ?? false,
  },
  'res.currency.is_current_company_currency': {
    dependsOn: [], readsTables: ['res_company'],
    select: (a, scope) => sql`(${column(a, 'id')} = ${rootCompanyCurrency(scope.env.companyId)})`,
    compute: (r) => r.is_current_company_currency === true,
  },
  'res.currency.inverse_rate': {
    dependsOn: [], readsTables: ['res_currency_rate', 'res_company'],
    select: (a, scope) => sql`(${latestRate(rootCompanyCurrency(scope.env.companyId))}::float8 / ${latestRate(column(a, 'id'))}::float8)`,
    compute: (r) => Number(r.inverse_rate ?? 1),
  },
  'res.currency.rate_string': {
    dependsOn: ['name'], readsTables: ['res_currency_rate', 'res_company', 'res_currency'],
    select: (a, scope) => sql`(SELECT CASE WHEN ${column(a, 'id')} = cc.id THEN '' ELSE '1 ' || cc.name || ' = ' || to_char(${latestRate(column(a, 'id'))}::float8 / ${latestRate(sql`cc.id`)}::float8, 'FM999999999990.000000') || ' ' || ${column(a, 'name')} END
      FROM res_currency cc WHERE cc.id = ${rootCompanyCurrency(scope.env.companyId)})`,
    compute: (r) => r.rate_string ?? '',
  },
};
