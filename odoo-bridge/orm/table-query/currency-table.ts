/**
 * `res.currency._get_simple_currency_table(env.companies)` (account/models/res_currency.py,
 * Odoo 18) as a FROM item named `account_currency_table(company_id, period_key, date_from,
 * date_next, rate_type, rate)`: one 'current' row per company of env.companies, the rate that
 * converts that company's currency into env.company's.
 *
 * - One currency among the companies: Odoo joins literal VALUES with rate 1 (the same here).
 * - Several: Odoo fills a temporary table; here the same rows come from a derived table:
 *   rate 1 for the companies in env.company's currency, else `main factor / rate` of the
 *   latest `res_currency_rate` of the company's currency dated today or before and recorded
 *   for env.company's root company (1 when there is none), the main factor being
 *   env.company's currency rate at today (`_get_rates`: root company's or shared rate, else 1).
 */
export interface CurrencyTableFacts {
  /** env.companies ids (validated integers). */
  readonly companyIds: readonly number[];
  /** env.company id. */
  readonly mainCompanyId: number;
  /** Whether env.companies share one currency (`len(companies.currency_id) == 1`). */
  readonly oneCurrency: boolean;
}

const COLUMNS = 'account_currency_table(company_id, period_key, date_from, date_next, rate_type, rate)';

function integers(ids: readonly number[]): string {
  // Inlined into the report's text (the statement's own parameters are numbered after it): only integers pass.
  return ids.map((id) => {
    if (!Number.isSafeInteger(id)) throw new Error(`not a company id: ${String(id)}`);
    return String(id);
  }).join(', ');
}

export function simpleCurrencyTable(facts: CurrencyTableFacts): string {
  if (!facts.companyIds.length) return `(SELECT NULL::int4, NULL::varchar, NULL::date, NULL::date, NULL::text, NULL::numeric WHERE FALSE) AS ${COLUMNS}`;
  if (facts.oneCurrency) {
    const rows = facts.companyIds.map((id) => `(${integers([id])}, CAST(NULL AS VARCHAR), CAST(NULL AS DATE), CAST(NULL AS DATE), 'current', 1)`);
    return `(VALUES ${rows.join(',')}) AS ${COLUMNS}`;
  }
  const main = integers([facts.mainCompanyId]);
  const today = `(now() AT TIME ZONE 'UTC')::date`;
  const root = `(SELECT split_part(m.parent_path, '/', 1)::int4 FROM res_company m WHERE m.id = ${main})`;
  const mainCurrency = `(SELECT m.currency_id FROM res_company m WHERE m.id = ${main})`;
  const mainFactor = `COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${mainCurrency} AND r.name <= ${today}
      AND (r.company_id IS NULL OR r.company_id = ${root}) ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)`;
  const otherRate = `(SELECT ${mainFactor} / r.rate FROM res_currency_rate r WHERE r.currency_id = c.currency_id AND r.name <= ${today}
      AND r.company_id = ${root} ORDER BY r.name DESC LIMIT 1)`;
  return `(SELECT c.id, CAST(NULL AS VARCHAR), CAST(NULL AS DATE), CAST(NULL AS DATE), 'current',
      CASE WHEN c.currency_id = ${mainCurrency} THEN 1 ELSE COALESCE(${otherRate}, 1) END
      FROM res_company c WHERE c.id IN (${integers(facts.companyIds)})) AS ${COLUMNS}`;
}
