import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import { roundTo } from '../write/sale/float-round.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { currencyJson, formatAmount, formatLang, intersperse, type CurrencyFacts } from './product-tax-string.ts';

/**
 * product.pricelist.item's labels (addons/product/models/product_pricelist_item.py 18):
 *
 * | field | compute | reads as |
 * |---|---|---|
 * | price | `_compute_price_label` | a fixed price with `formatLang(dp='Product Price', currency)`; "P % discount on sales price" (or on the base pricelist's display name); a formula "P % discount on BASE EXTRA" (BASE: sales price, product cost — its percentage then the markup —, the base pricelist), EXTRA "+ A extra fee" / "- A rebate" with `format_amount`, else empty (the trailing space stays) |
 * | rule_tip | `_compute_rule_tip` | formulas only: "BASE with a P % discount and S extra fee\nExample: $ 100.00 * F + S → T" (F the Python float (100 - discount) / 100, T 100 × F rounded to `price_round`, plus S) |
 *
 * Percentages print as `_get_integer` does (an int when whole). The texts are `_()`'s English:
 * reading them in another installed language is refused.
 */
interface LabelFacts {
  compute_price: string | null;
  fixed_price: number | null;
  percent_price: number | null;
  price_discount: number | null;
  price_markup: number | null;
  price_surcharge: number | null;
  price_round: number | null;
  base: string | null;
  base_pricelist: string | null;
  currency: CurrencyFacts | null;
  price_digits: number | null;
  lang: { grouping: string | null; thousands_sep: string | null; decimal_point: string | null } | null;
  translated: boolean;
}

const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function labelFacts(a: string, scope: ComputeScope) {
  return sql`json_build_object(
    'compute_price', ${column(a, 'compute_price')}, 'fixed_price', ${column(a, 'fixed_price')}, 'percent_price', ${column(a, 'percent_price')},
    'price_discount', ${column(a, 'price_discount')}, 'price_markup', ${column(a, 'price_markup')}, 'price_surcharge', ${column(a, 'price_surcharge')},
    'price_round', ${column(a, 'price_round')}, 'base', ${column(a, 'base')},
    'base_pricelist', (SELECT COALESCE(bp.name->>${scope.env.lang}::text, bp.name->>'en_US') || ' (' || bc.name || ')'
                         FROM product_pricelist bp JOIN res_currency bc ON bc.id = bp.currency_id WHERE bp.id = ${column(a, 'base_pricelist_id')}),
    'currency', ${currencyJson(column(a, 'currency_id'))},
    'price_digits', (SELECT dp.digits FROM decimal_precision dp WHERE dp.name = 'Product Price' ORDER BY dp.id LIMIT 1),
    'lang', ${formatLang(scope)},
    'translated', EXISTS (SELECT 1 FROM res_lang tl WHERE tl.active AND tl.code <> 'en_US' AND tl.code = ${scope.env.lang}::text))`;
}

/** Python's `str()` of a float: whole values keep ".0". */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** `_get_integer`: the percentage as an int when whole ("10"), else as the float ("12.5"): what JavaScript prints. */
function integerOrFloat(value: number): string {
  return String(value);
}

function english(facts: LabelFacts, field: string): void {
  if (facts.translated) throw missingBehaviour('product.pricelist.item', `the computed field ${field} in a language other than en_US`);
}

function amount(facts: LabelFacts, value: number): string {
  if (!facts.currency || !facts.lang) throw missingBehaviour('product.pricelist.item', 'a price label without currency or language');
  return formatAmount(value, facts.currency, facts.lang);
}

/** `formatLang(env, value, dp='Product Price', currency_obj=currency)`: no no-break/zero-width replacements, the symbol beside it. */
function formatLangPrice(facts: LabelFacts, value: number): string {
  const digits = facts.price_digits ?? 2;
  const lang = facts.lang;
  const parts = roundTo(value, 10 ** -digits).toFixed(digits).split('.');
  let counts: number[] = [];
  try {
    counts = JSON.parse(lang?.grouping ?? '[]') as number[];
  } catch {
    throw missingBehaviour('product.pricelist.item', `the computed field price with the language grouping ${lang?.grouping}`);
  }
  parts[0] = intersperse(parts[0]!, counts, lang?.thousands_sep ?? '');
  const text = parts.join(lang?.decimal_point ?? '.');
  const currency = facts.currency;
  if (!currency?.symbol) return text;
  return currency.position === 'after' ? `${text}\u00a0${currency.symbol}` : `${currency.symbol}\u00a0${text}`;
}

/** `_get_displayed_discount`: the markup on cost, else the discount. */
function displayedDiscount(facts: LabelFacts): [string, string] {
  return facts.base === 'standard_price' ? ['markup', integerOrFloat(Number(facts.price_markup ?? 0))] : ['discount', integerOrFloat(Number(facts.price_discount ?? 0))];
}

function priceLabel(r: Record<string, unknown>): string {
  const facts = json<LabelFacts>(r.price);
  english(facts, 'price');
  if (facts.compute_price === 'fixed') return formatLangPrice(facts, Number(facts.fixed_price ?? 0));
  if (facts.compute_price === 'percentage') {
    const percentage = integerOrFloat(Number(facts.percent_price ?? 0));
    return facts.base_pricelist ? `${percentage} % discount on ${facts.base_pricelist}` : `${percentage} % discount on sales price`;
  }
  const base = facts.base === 'pricelist' && facts.base_pricelist ? facts.base_pricelist : facts.base === 'standard_price' ? 'product cost' : 'sales price';
  const surcharge = Number(facts.price_surcharge ?? 0);
  const extra = surcharge > 0 ? `+ ${amount(facts, Math.abs(surcharge))} extra fee` : surcharge < 0 ? `- ${amount(facts, Math.abs(surcharge))} rebate` : '';
  const [kind, percentage] = displayedDiscount(facts);
  return `${percentage} % ${kind} on ${base} ${extra}`;
}

const BASE_LABELS: Readonly<Record<string, string>> = { list_price: 'Sales Price', standard_price: 'Cost', pricelist: 'Other Pricelist' };

function ruleTip(r: Record<string, unknown>): string | false {
  const facts = json<LabelFacts>(r.rule_tip);
  if (facts.compute_price !== 'formula') return false;
  english(facts, 'rule_tip');
  const factor = (100 - Number(facts.price_discount ?? 0)) / 100;
  let discounted = 100 * factor;
  if (facts.price_round) discounted = roundTo(discounted, Number(facts.price_round));
  const surchargeValue = Number(facts.price_surcharge ?? 0);
  const surcharge = amount(facts, surchargeValue);
  const [kind, discount] = displayedDiscount(facts);
  return `${BASE_LABELS[facts.base ?? ''] ?? facts.base} with a ${discount} % ${kind} and ${surcharge} extra fee\n`
    + `Example: ${amount(facts, 100)} * ${pythonFloat(factor)} + ${surcharge} → ${amount(facts, discounted + surchargeValue)}`;
}

const TABLES = ['product_pricelist', 'res_currency', 'decimal_precision', 'res_lang', 'res_users', 'res_company', 'res_partner'];

/** Both labels select the same facts (under their own field's name) and compute from them. */
const label = (compute: (r: Record<string, unknown>) => unknown): ComputedField => ({ dependsOn: [], readsTables: TABLES, select: labelFacts, compute });

export const PRICELIST_ITEM_LABEL_FIELDS: Record<string, ComputedField> = {
  'product.pricelist.item.price': label(priceLabel),
  'product.pricelist.item.rule_tip': label(ruleTip),
};
