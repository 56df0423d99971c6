import { sql } from 'kysely';
import type { ComputedField, ComputeScope } from './computed-field.ts';

const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/**
 * `self.env.companies`: the context's `allowed_company_ids` in their order when given (the
 * gateway has checked them against the user's companies), else the user's companies in
 * res.company's `_order` (sequence, name), with each one's position.
 */
export function envCompanies(scope: ComputeScope) {
  const allowed = scope.env.context?.allowed_company_ids;
  if (Array.isArray(allowed) && allowed.length && allowed.every((id) => Number.isInteger(id))) {
    return sql`SELECT a.id, a.pos FROM unnest(${allowed as number[]}::int4[]) WITH ORDINALITY AS a(id, pos)`;
  }
  return sql`SELECT c.id, row_number() OVER (ORDER BY c.sequence, c.name, c.id) AS pos
               FROM res_company c JOIN res_company_users_rel r ON r.cid = c.id WHERE r.user_id = ${scope.uid}`;
}

/**
 * account's `_compute_fiscal_country_codes` (uom_uom.py; partner.py, product.py and
 * account_payment_term.py with `record.company_id or` first): the fiscal countries' codes of the
 * companies, `mapped` (each country once, in the companies' order), joined with ','.
 */
function fiscalCountryCodes(withRecordCompany: boolean): ComputedField {
  return {
    dependsOn: withRecordCompany ? ['company_id'] : [],
    readsTables: ['res_company', 'res_company_users_rel', 'res_country'],
    select: (a, scope) => {
      const ofCompanies = sql`(SELECT coalesce(string_agg(x.code, ',' ORDER BY x.pos), '') FROM (
          SELECT co.code, min(e.pos) AS pos FROM (${envCompanies(scope)}) e
            JOIN res_company c ON c.id = e.id JOIN res_country co ON co.id = c.account_fiscal_country_id
           GROUP BY co.id, co.code) x)`;
      if (!withRecordCompany) return ofCompanies;
      return sql`CASE WHEN ${column(a, 'company_id')} IS NOT NULL
        THEN coalesce((SELECT co.code FROM res_company c JOIN res_country co ON co.id = c.account_fiscal_country_id WHERE c.id = ${column(a, 'company_id')}), '')
        ELSE ${ofCompanies} END`;
    },
    compute: (r) => r.fiscal_country_codes ?? '',
  };
}

/**
 * Stripe's country list as payment_stripe/const.py holds it (SUPPORTED_COUNTRIES, and
 * COUNTRY_MAPPING of the French overseas territories to FR), which payment's res_country.py
 * `_compute_is_stripe_supported_country` reads for every country.
 */
const STRIPE_COUNTRIES = new Set([
  'AE', 'AT', 'AU', 'BE', 'BG', 'BR', 'CA', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GI', 'GR', 'HK', 'HR', 'HU',
  'ID', 'IE', 'IT', 'JP', 'LI', 'LT', 'LU', 'LV', 'MT', 'MX', 'MY', 'NL', 'NO', 'NZ', 'PH', 'PL', 'PT', 'RO', 'SE', 'SG', 'SI', 'SK',
  'TH', 'US',
]);
const STRIPE_COUNTRY_MAPPING: Readonly<Record<string, string>> = { MQ: 'FR', GP: 'FR', GF: 'FR', RE: 'FR', YT: 'FR', MF: 'FR' };

export const ACCOUNT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'uom.uom.fiscal_country_codes': fiscalCountryCodes(false),
  'res.partner.fiscal_country_codes': fiscalCountryCodes(true),
  'product.template.fiscal_country_codes': fiscalCountryCodes(true),
  'account.payment.term.fiscal_country_codes': fiscalCountryCodes(true),
  // res_currency.py: a non-stored field whose default `_get_fiscal_country_codes` is what a read answers.
  'res.currency.fiscal_country_codes': fiscalCountryCodes(false),
  // res_currency.py `_compute_display_rounding_warning`: `_origin.rounding != rounding` is never
  // true for a record read back from the database.
  'res.currency.display_rounding_warning': { dependsOn: [], compute: () => false },
  // account_tax.py `_compute_price_include`: the tax's override, else its company's default.
  'account.tax.price_include': {
    dependsOn: ['price_include_override'], readsTables: ['res_company'],
    select: (a) => sql`(SELECT c.account_price_include FROM res_company c WHERE c.id = ${column(a, 'company_id')})`,
    compute: (r) => r.price_include_override === 'tax_included' || (r.price_include === 'tax_included' && !r.price_include_override),
  },
  'res.country.is_stripe_supported_country': {
    dependsOn: ['code'],
    compute: (r) => {
      const code = typeof r.code === 'string' ? r.code : '';
      return STRIPE_COUNTRIES.has(STRIPE_COUNTRY_MAPPING[code] ?? code);
    },
  },
};
