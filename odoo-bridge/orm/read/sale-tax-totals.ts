import { sql, type RawBuilder } from 'kysely';
import type { ComputedField } from './computed-field.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import type { TaxInfo } from '../write/sale/tax-details.ts';
import { lineTaxDetails, roundLinesTaxDetails, taxTotalsSummary, type BaseLine, type CompanyTaxSettings, type CurrencyInfo } from '../write/sale/tax-totals.ts';

type Sql = RawBuilder<unknown>;

/**
 * sale.order `type_name`, and `tax_totals` (addons/sale/models/sale_order.py 18 `_compute_tax_totals`): the
 * order's priced lines through the taxes computation (write/sale/tax-totals.ts), summarised by
 * `_get_tax_totals_summary`. The SQL gathers the order's currency and rate, its company's
 * rounding settings and each line with its taxes (a group's children included) as JSON; the
 * summary is computed from that.
 */

/** One account.tax (alias `t`) as JSON, without children. */
export const taxJson = (lang: string) => sql`json_build_object(
  'id', t.id, 'sequence', t.sequence, 'amount_type', t.amount_type, 'amount', t.amount,
  'price_include', (t.price_include_override = 'tax_included' OR (tc.account_price_include = 'tax_included' AND t.price_include_override IS NULL)),
  'include_base_amount', COALESCE(t.include_base_amount, false), 'is_base_affected', COALESCE(t.is_base_affected, false),
  'negative', EXISTS (SELECT 1 FROM account_tax_repartition_line rl WHERE rl.tax_id = t.id AND rl.document_type = 'invoice' AND rl.repartition_type = 'tax' AND rl.factor_percent < 0),
  'group', CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('id', g.id, 'name', COALESCE(g.name->>${lang}, g.name->>'en_US'), 'sequence', g.sequence,
    'preceding_subtotal', COALESCE(g.preceding_subtotal->>${lang}, g.preceding_subtotal->>'en_US'), 'pos_receipt_label', g.pos_receipt_label) END)`;

export const taxFrom = sql`account_tax t LEFT JOIN res_company tc ON tc.id = t.company_id LEFT JOIN account_tax_group g ON g.id = t.tax_group_id`;

function documentJson(alias: string, lang: string): Sql {
  const order = sql.ref(`${alias}.id`);
  return sql`(SELECT json_build_object(
      'currency', (SELECT json_build_object('id', cur.id, 'rounding', cur.rounding, 'decimal_places', cur.decimal_places) FROM res_currency cur WHERE cur.id = COALESCE(o.currency_id, c.currency_id)),
      'company_currency', (SELECT json_build_object('id', cur.id, 'rounding', cur.rounding, 'decimal_places', cur.decimal_places) FROM res_currency cur WHERE cur.id = c.currency_id),
      'rounding_method', c.tax_calculation_rounding_method,
      'rate', o.currency_rate,
      'lines', COALESCE((SELECT json_agg(json_build_object(
          'price_unit', l.price_unit, 'quantity', l.product_uom_qty, 'discount', l.discount,
          'taxes', COALESCE((SELECT json_agg(${taxJson(lang)}::jsonb || jsonb_build_object('children', COALESCE((
                SELECT json_agg(child.j) FROM (SELECT ${taxJson(lang)} AS j FROM account_tax_filiation_rel f JOIN ${taxFrom} ON t.id = f.child_tax WHERE f.parent_tax = r.account_tax_id) child), '[]'::json)))
              FROM account_tax_sale_order_line_rel r JOIN ${taxFrom} ON t.id = r.account_tax_id WHERE r.sale_order_line_id = l.id), '[]'::json))
          ORDER BY l.sequence, l.id)
        FROM sale_order_line l WHERE l.order_id = o.id AND l.display_type IS NULL), '[]'::json))
    FROM sale_order o JOIN res_company c ON c.id = o.company_id WHERE o.id = ${order})`;
}

export interface TaxJson {
  id: number; sequence: number | null; amount_type: string; amount: number | string; price_include: boolean; include_base_amount: boolean;
  is_base_affected: boolean; negative: boolean; children?: TaxJson[];
  group: { id: number; name: string | null; sequence: number | null; preceding_subtotal: string | null; pos_receipt_label: string | null } | null;
}
interface DocumentJson {
  currency: { id: number; rounding: number | string; decimal_places: number | null };
  company_currency: { id: number; rounding: number | string; decimal_places: number | null };
  rounding_method: string | null;
  rate: number | null;
  lines: Array<{ price_unit: number | string | null; quantity: number | string | null; discount: number | string | null; taxes: TaxJson[] }>;
}

export function taxOf(j: TaxJson): TaxInfo {
  return {
    id: j.id, sequence: j.sequence ?? 1, amountType: j.amount_type, amount: Number(j.amount), priceInclude: !!j.price_include,
    includeBaseAmount: j.include_base_amount, isBaseAffected: j.is_base_affected, hasNegativeFactor: j.negative,
    taxGroup: j.group ? { id: j.group.id, name: j.group.name ?? '', sequence: j.group.sequence ?? 10, precedingSubtotal: j.group.preceding_subtotal || null, posReceiptLabel: j.group.pos_receipt_label || null } : null,
    children: (j.children ?? []).map(taxOf),
  };
}

const currencyOf = (c: DocumentJson['currency']): CurrencyInfo => ({ id: c.id, rounding: Number(c.rounding), decimalPlaces: c.decimal_places ?? 2 });

export function saleTaxTotals(doc: DocumentJson | null): unknown {
  if (!doc) return false;
  const company: CompanyTaxSettings = { currency: currencyOf(doc.company_currency), roundingMethod: doc.rounding_method === 'round_globally' ? 'round_globally' : 'round_per_line' };
  const currency = currencyOf(doc.currency);
  const entries = doc.lines.map((l) => {
    const line: BaseLine = {
      priceUnit: Number(l.price_unit ?? 0), quantity: Number(l.quantity ?? 0), discount: Number(l.discount ?? 0),
      taxes: l.taxes.map(taxOf), currency, rate: doc.rate ?? 1,
    };
    return { line, details: lineTaxDetails(line, company) };
  });
  roundLinesTaxDetails(entries, company);
  return asPythonFloats(taxTotalsSummary(entries.map((e) => e.details), currency, company));
}

/** Ids stay ints; every amount and rounding is a Python float (`1740.0` on the wire). */
const INTEGER_KEYS = new Set(['id', 'currency_id', 'company_currency_id', 'involved_tax_ids']);
function asPythonFloats(value: unknown, key = ''): unknown {
  if (INTEGER_KEYS.has(key)) return value;
  if (typeof value === 'number') return pythonFloat(value);
  if (Array.isArray(value)) return value.map((v) => asPythonFloats(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPythonFloats(v, k)]));
  return value;
}

export const SALE_COMPUTED_FIELDS: Readonly<Record<string, ComputedField>> = {
  // `_compute_type_name`: how the order is named in its state (Ficus carries no translations).
  'sale.order.type_name': {
    dependsOn: ['state'],
    compute: (r) => (['draft', 'sent', 'cancel'].includes(String(r.state)) ? 'Quotation' : 'Sales Order'),
  },
  'sale.order.tax_totals': {
    dependsOn: [],
    readsTables: ['sale_order', 'sale_order_line', 'res_company', 'res_currency', 'account_tax', 'account_tax_group', 'account_tax_repartition_line', 'account_tax_filiation_rel', 'account_tax_sale_order_line_rel'],
    select: (a, scope) => documentJson(a, scope.env.lang),
    compute: (r) => saleTaxTotals((r.tax_totals as DocumentJson | null) ?? null),
  },
};
