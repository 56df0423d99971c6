import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { Sql } from '../domain/search-env.ts';
import { compareRounded, roundTo } from '../write/sale/float-round.ts';
import { taxDetails } from '../write/sale/tax-details.ts';
import type { ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { taxFrom, taxJson, taxOf, type TaxJson } from './sale-tax-totals.ts';

/**
 * account product.py `_compute_tax_string` / `_construct_tax_string`: the template's sale taxes
 * (`taxes_id` read as the reader) through `compute_all(price)` in the first tax's company (else
 * env.company), its totals rounded to that company's currency; each total the template's currency
 * tells apart from the price is written with `format_amount` ("(= $ 16.50 Incl. Taxes, …)"), else " ".
 */
export interface CurrencyFacts { rounding: number; decimal_places: number | null; symbol: string | null; position: string | null }
export interface TaxStringFacts {
  price: number | string | null;
  currency: CurrencyFacts | null;
  company_currency: CurrencyFacts | null;
  rounding_method: string | null;
  taxes: TaxJson[];
  lang: { grouping: string | null; thousands_sep: string | null; decimal_point: string | null } | null;
  /** The context names an installed language other than en_US, in which `_()` would translate the labels. */
  translated: boolean;
  /** compute_all's context: `force_price_include` (its special mode) and `round_base` (default True). */
  force_price_include?: boolean | null;
  round_base?: boolean;
}

/** The template's currency (`_compute_currency_id`): its company's, else the main company's. */
function templateCurrency(template: Sql): Sql {
  return sql`COALESCE((SELECT c.currency_id FROM product_template tt JOIN res_company c ON c.id = tt.company_id WHERE tt.id = ${template}),
    (SELECT c.currency_id FROM ir_model_data d JOIN res_company c ON c.id = d.res_id WHERE d.module = 'base' AND d.name = 'main_company' AND d.model = 'res.company'),
    (SELECT c.currency_id FROM res_company c ORDER BY c.id LIMIT 1))`;
}

export const currencyJson = (id: Sql) => sql`(SELECT json_build_object('rounding', cur.rounding, 'decimal_places', cur.decimal_places, 'symbol', cur.symbol, 'position', cur.position)
  FROM res_currency cur WHERE cur.id = ${id})`;

/** `get_lang(env)`: the context's language when installed, else the user's company partner's, else en_US. */
export function formatLang(scope: ComputeScope): Sql {
  const contextLang = typeof scope.env.context?.lang === 'string' ? scope.env.context.lang : null;
  return sql`(SELECT json_build_object('grouping', l.grouping, 'thousands_sep', l.thousands_sep, 'decimal_point', l.decimal_point) FROM res_lang l
     WHERE l.active AND l.code = COALESCE(
       (SELECT cl.code FROM res_lang cl WHERE cl.active AND cl.code = ${contextLang}::text),
       (SELECT pl.code FROM res_users u JOIN res_company c ON c.id = u.company_id JOIN res_partner p ON p.id = c.partner_id
          JOIN res_lang pl ON pl.code = p.lang AND pl.active WHERE u.id = ${sql.lit(scope.uid)}),
       'en_US'))`;
}

/** `'force_price_include' in context`: null without the key, else its truth (Python's). */
function forcePriceInclude(scope: ComputeScope): boolean | null {
  const context = scope.env.context ?? {};
  if (!Object.prototype.hasOwnProperty.call(context, 'force_price_include')) return null;
  const value = context.force_price_include;
  return !(value === false || value === null || value === 0 || value === '' || (Array.isArray(value) && !value.length)
    || (typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.keys(value).length));
}

/** The facts of `_construct_tax_string(price)` for the template `template`, its taxes searched as the reader. */
export function taxStringFacts(scope: ComputeScope, template: Sql, price: Sql): Sql {
  const taxes = searchAsReader(scope, 'account.tax', []);
  const readable = sql`(SELECT ${sql.ref(`${taxes.alias}.id`)} FROM ${sql.table(taxes.table)} AS ${sql.table(taxes.alias)} WHERE ${taxes.where})`;
  const own = sql`pt.id IN (SELECT r.tax_id FROM product_taxes_rel r WHERE r.prod_id = ${template}) AND pt.id IN ${readable}`;
  const lang = scope.env.lang;
  // The first tax in account.tax's `_order` (sequence, id) names the company (`self[0].company_id`).
  const firstCompany = sql`(SELECT pt.company_id FROM account_tax pt WHERE ${own} ORDER BY pt.sequence, pt.id LIMIT 1)`;
  const company = sql`COALESCE(${firstCompany}, ${sql.lit(scope.env.companyId ?? 0)})`;
  return sql`json_build_object(
    'price', ${price},
    'currency', ${currencyJson(templateCurrency(template))},
    'company_currency', ${currencyJson(sql`(SELECT cc.currency_id FROM res_company cc WHERE cc.id = ${company})`)},
    'rounding_method', (SELECT cc.tax_calculation_rounding_method FROM res_company cc WHERE cc.id = ${company}),
    'taxes', (SELECT COALESCE(json_agg(x.j ORDER BY x.sequence, x.id), '[]') FROM (
        SELECT pt.id, pt.sequence, own_tax.j::jsonb || jsonb_build_object('children', COALESCE((
            SELECT json_agg(child.j) FROM (SELECT ${taxJson(lang)} AS j FROM account_tax_filiation_rel f JOIN ${taxFrom} ON t.id = f.child_tax WHERE f.parent_tax = pt.id) child), '[]'::json)) AS j
          FROM account_tax pt JOIN LATERAL (SELECT ${taxJson(lang)} AS j FROM ${taxFrom} WHERE t.id = pt.id) own_tax ON true
         WHERE ${own}) x),
    'lang', ${formatLang(scope)},
    'translated', EXISTS (SELECT 1 FROM res_lang tl WHERE tl.active AND tl.code <> 'en_US' AND tl.code = ${lang}::text),
    'force_price_include', ${forcePriceInclude(scope)}::boolean,
    'round_base', ${scope.env.context?.round_base === undefined ? true : Boolean(scope.env.context.round_base)}::boolean)`;
}

/** res_lang.py `split`: the digits (reversed) cut by the language's grouping counts. */
function splitByCounts(text: string, counts: number[]): string[] {
  const pieces: string[] = [];
  let rest = text;
  let saved = rest.length;
  for (const count of counts) {
    if (!rest || count === -1) break;
    if (count === 0) {
      while (rest) {
        pieces.push(rest.slice(0, saved));
        rest = rest.slice(saved);
      }
      break;
    }
    pieces.push(rest.slice(0, count));
    rest = rest.slice(count);
    saved = count;
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** res_lang.py `intersperse` on the integer part: its leading non-digits kept, the digits grouped from the right. */
export function intersperse(text: string, counts: number[], separator: string): string {
  const match = /^([^0-9]*)([^ ]*)(.*)$/s.exec(text)!;
  const [, left, digits, right] = match as unknown as [string, string, string, string];
  const reversed = [...digits].reverse().join('');
  const pieces = splitByCounts(reversed, counts).map((piece) => [...piece].reverse().join('')).reverse();
  return left + pieces.join(separator) + right;
}

/** tools/misc.py `format_amount`: the rounded amount in the language's format, the symbol beside it with a no-break space. */
export function formatAmount(amount: number, currency: CurrencyFacts, lang: NonNullable<TaxStringFacts['lang']>): string {
  const digits = currency.decimal_places ?? 2;
  const rounded = roundTo(amount, Number(currency.rounding));
  let counts: number[];
  try {
    counts = JSON.parse(lang.grouping ?? '[]') as number[];
  } catch {
    throw missingBehaviour('product.template', `the computed field tax_string with the language grouping ${lang.grouping}`);
  }
  const parts = rounded.toFixed(digits).split('.');
  parts[0] = intersperse(parts[0]!, counts, lang.thousands_sep ?? '');
  const text = parts.join(lang.decimal_point ?? '.').replace(/ /g, '\u00a0').replace(/-/g, '-\ufeff');
  return currency.position === 'before' ? `${currency.symbol ?? ''}\u00a0${text}` : `${text}\u00a0${currency.symbol ?? ''}`;
}

export function taxString(facts: TaxStringFacts): string {
  const price = Number(facts.price ?? 0);
  const currency = facts.currency;
  const companyCurrency = facts.company_currency;
  if (!currency || !companyCurrency || !facts.lang) throw missingBehaviour('product.template', 'the computed field tax_string without a currency or language');
  const force = facts.force_price_include;
  const computed = taxDetails(facts.taxes.map(taxOf), price, 1, {
    rounding: Number(companyCurrency.rounding),
    roundingMethod: facts.rounding_method === 'round_globally' ? 'round_globally' : 'round_per_line',
    specialMode: force === null || force === undefined ? false : force ? 'total_included' : 'total_excluded',
  });
  const round = (value: number) => (facts.round_base === false ? value : roundTo(value, Number(companyCurrency.rounding)));
  const included = round(computed.totalIncluded);
  const excluded = round(computed.totalExcluded);
  const joined: string[] = [];
  if (facts.translated && compareRounded(included, price, Number(currency.rounding)) + compareRounded(excluded, price, Number(currency.rounding)) !== 0) {
    throw missingBehaviour('product.template', 'the computed field tax_string in a language other than en_US');
  }
  if (compareRounded(included, price, Number(currency.rounding)) !== 0) joined.push(`${formatAmount(included, currency, facts.lang)} Incl. Taxes`);
  if (compareRounded(excluded, price, Number(currency.rounding)) !== 0) joined.push(`${formatAmount(excluded, currency, facts.lang)} Excl. Taxes`);
  return joined.length ? `(= ${joined.join(', ')})` : ' ';
}
