import { roundTo } from './float-round.ts';
import { taxDetails, type RoundingMethod, type TaxGroupInfo, type TaxInfo } from './tax-details.ts';

export interface CurrencyInfo {
  readonly id: number;
  readonly rounding: number;
  readonly decimalPlaces: number;
}

export interface CompanyTaxSettings {
  readonly currency: CurrencyInfo;
  readonly roundingMethod: RoundingMethod;
}

/** A document line as `_prepare_base_line_for_taxes_computation` describes it (what the taxes need). */
export interface BaseLine {
  readonly priceUnit: number;
  readonly quantity: number;
  readonly discount: number;
  readonly taxes: readonly TaxInfo[];
  readonly currency: CurrencyInfo;
  readonly rate: number;
}

interface TaxData {
  tax: TaxInfo;
  group: TaxInfo | null;
  taxAmountCurrency: number;
  taxAmount: number;
  baseAmountCurrency: number;
  baseAmount: number;
  rawTaxAmountCurrency: number;
  rawTaxAmount: number;
  rawBaseAmountCurrency: number;
  rawBaseAmount: number;
}

export interface LineTaxDetails {
  totalExcludedCurrency: number;
  totalExcluded: number;
  totalIncludedCurrency: number;
  totalIncluded: number;
  rawTotalExcludedCurrency: number;
  rawTotalExcluded: number;
  taxesData: TaxData[];
}

/**
 * `_add_tax_details_in_base_line`: the line's taxes on its discounted unit price, in the
 * document currency and (divided by the rate) in the company's, amounts rounded per line when
 * the company says so and left raw otherwise.
 */
export function lineTaxDetails(line: BaseLine, company: CompanyTaxSettings): LineTaxDetails {
  const discounted = line.priceUnit * (1 - line.discount / 100);
  const computed = taxDetails(line.taxes, discounted, line.quantity, { rounding: line.currency.rounding, roundingMethod: company.roundingMethod });
  const local = (v: number) => (line.rate ? v / line.rate : 0);
  const perLine = company.roundingMethod === 'round_per_line';
  const companyRound = (v: number) => (perLine ? roundTo(v, company.currency.rounding) : v);
  const details: LineTaxDetails = {
    totalExcludedCurrency: computed.totalExcluded,
    totalExcluded: companyRound(local(computed.totalExcluded)),
    totalIncludedCurrency: computed.totalIncluded,
    totalIncluded: companyRound(local(computed.totalIncluded)),
    rawTotalExcludedCurrency: computed.totalExcluded,
    rawTotalExcluded: local(computed.totalExcluded),
    taxesData: [],
  };
  for (const t of computed.taxes) {
    details.taxesData.push({
      tax: t.tax, group: t.group,
      taxAmountCurrency: t.taxAmount, taxAmount: companyRound(local(t.taxAmount)),
      baseAmountCurrency: t.baseAmount, baseAmount: companyRound(local(t.baseAmount)),
      rawTaxAmountCurrency: 0, rawTaxAmount: 0, rawBaseAmountCurrency: 0, rawBaseAmount: 0,
    });
  }
  return details;
}

/**
 * `_round_base_lines_tax_details`: every amount rounded (the raw values kept), then per tax the
 * rounded sum of the raw amounts compared with the sum of the rounded ones; the difference goes
 * to the line with the smallest tax-included total, so that the document adds up.
 */
export function roundLinesTaxDetails(lines: Array<{ line: BaseLine; details: LineTaxDetails }>, company: CompanyTaxSettings): void {
  const perTax = new Map<string, { raw: number[]; rounded: number[]; lines: Array<{ line: BaseLine; details: LineTaxDetails }>; currency: CurrencyInfo; tax: TaxInfo }>();
  for (const entry of lines) {
    const { details, line } = entry;
    const currency = line.currency ?? company.currency;
    details.rawTotalExcludedCurrency = details.totalExcludedCurrency;
    details.totalExcludedCurrency = roundTo(details.totalExcludedCurrency, currency.rounding);
    details.rawTotalExcluded = details.totalExcluded;
    details.totalExcluded = roundTo(details.totalExcluded, company.currency.rounding);
    details.totalIncludedCurrency = roundTo(details.totalIncludedCurrency, currency.rounding);
    details.totalIncluded = roundTo(details.totalIncluded, company.currency.rounding);
    for (const d of details.taxesData) {
      d.rawTaxAmountCurrency = d.taxAmountCurrency;
      d.taxAmountCurrency = roundTo(d.taxAmountCurrency, currency.rounding);
      d.rawTaxAmount = d.taxAmount;
      d.taxAmount = roundTo(d.taxAmount, company.currency.rounding);
      d.rawBaseAmountCurrency = d.baseAmountCurrency;
      d.baseAmountCurrency = roundTo(d.baseAmountCurrency, currency.rounding);
      d.rawBaseAmount = d.baseAmount;
      d.baseAmount = roundTo(d.baseAmount, company.currency.rounding);
      const key = `${d.tax.id}/${currency.id}`;
      let totals = perTax.get(key);
      if (!totals) perTax.set(key, (totals = { raw: [0, 0, 0, 0], rounded: [0, 0, 0, 0], lines: [], currency, tax: d.tax }));
      // [tax currency, tax company, base currency, base company]
      totals.rounded[0]! += d.taxAmountCurrency; totals.raw[0]! += d.rawTaxAmountCurrency;
      totals.rounded[1]! += d.taxAmount; totals.raw[1]! += d.rawTaxAmount;
      totals.rounded[2]! += d.baseAmountCurrency; totals.raw[2]! += d.rawBaseAmountCurrency;
      totals.rounded[3]! += d.baseAmount; totals.raw[3]! += d.rawBaseAmount;
      totals.lines.push(entry);
    }
  }
  for (const totals of perTax.values()) {
    const raw = [
      roundTo(totals.raw[0]!, totals.currency.rounding), roundTo(totals.raw[1]!, company.currency.rounding),
      roundTo(totals.raw[2]!, totals.currency.rounding), roundTo(totals.raw[3]!, company.currency.rounding),
    ];
    if (!totals.lines.length) continue;
    let target = totals.lines[0]!;
    for (const entry of totals.lines) if (entry.details.totalIncludedCurrency < target.details.totalIncludedCurrency) target = entry;
    const index = target.details.taxesData.findIndex((d) => d.tax.id === totals.tax.id);
    const d = target.details.taxesData[index]!;
    d.baseAmountCurrency += raw[2]! - totals.rounded[2]!;
    d.baseAmount += raw[3]! - totals.rounded[3]!;
    d.taxAmountCurrency += raw[0]! - totals.rounded[0]!;
    d.taxAmount += raw[1]! - totals.rounded[1]!;
  }
}

interface Aggregated {
  baseAmountCurrency: number;
  baseAmount: number;
  taxAmountCurrency: number;
  taxAmount: number;
  lineTaxes: Array<{ details: LineTaxDetails; taxes: TaxData[] }>;
}

/**
 * `_aggregate_base_line_tax_details` over every line, then `_aggregate_base_lines_aggregated_values`:
 * per grouping key, a line's base counted once however many of its taxes share the key; a line
 * without taxes under the key `null` with its untaxed total.
 */
function aggregate<K>(lines: ReadonlyArray<LineTaxDetails>, keyOf: (d: TaxData) => K, idOf: (k: K) => string): Map<string, Aggregated & { key: K | null }> {
  const out = new Map<string, Aggregated & { key: K | null }>();
  const slot = (id: string, key: K | null) => {
    let v = out.get(id);
    if (!v) out.set(id, (v = { key, baseAmountCurrency: 0, baseAmount: 0, taxAmountCurrency: 0, taxAmount: 0, lineTaxes: [] }));
    return v;
  };
  for (const details of lines) {
    const perLine = new Map<string, { key: K | null; base: [number, number]; tax: [number, number]; taxes: TaxData[] }>();
    for (const d of details.taxesData) {
      const key = keyOf(d);
      const id = idOf(key);
      let v = perLine.get(id);
      if (!v) {
        perLine.set(id, (v = { key, base: [0, 0], tax: [0, 0], taxes: [] }));
        v.base[0] += d.baseAmountCurrency;
        v.base[1] += d.baseAmount;
      }
      v.taxes.push(d);
      v.tax[0] += d.taxAmountCurrency;
      v.tax[1] += d.taxAmount;
    }
    if (!details.taxesData.length) perLine.set('null', { key: null, base: [details.totalExcludedCurrency, details.totalExcluded], tax: [0, 0], taxes: [] });
    for (const [id, v] of perLine) {
      const agg = slot(id, v.key);
      agg.baseAmountCurrency += v.base[0];
      agg.baseAmount += v.base[1];
      agg.taxAmountCurrency += v.tax[0];
      agg.taxAmount += v.tax[1];
      agg.lineTaxes.push({ details, taxes: v.taxes });
    }
  }
  return out;
}

const UNTAXED_AMOUNT = 'Untaxed Amount';

/**
 * `_get_tax_totals_summary` (without cash rounding, which sale orders do not pass): totals, one
 * subtotal per `preceding_subtotal` label (the untaxed amount first), and in each the tax groups
 * in (sequence, id) order with their bases and amounts; `same_tax_base` when every group shows
 * the same base. Call `roundLinesTaxDetails` first.
 */
export function taxTotalsSummary(lines: ReadonlyArray<LineTaxDetails>, currency: CurrencyInfo, company: CompanyTaxSettings): Record<string, unknown> {
  const summary = {
    currency_id: currency.id,
    currency_pd: currency.rounding,
    company_currency_id: company.currency.id,
    company_currency_pd: company.currency.rounding,
    has_tax_groups: false,
    subtotals: [] as Array<Record<string, unknown>>,
    base_amount_currency: 0,
    base_amount: 0,
    tax_amount_currency: 0,
    tax_amount: 0,
  };
  for (const v of aggregate(lines, () => true, () => 'all').values()) {
    if (v.key) summary.has_tax_groups = true;
    summary.base_amount_currency += v.baseAmountCurrency;
    summary.base_amount += v.baseAmount;
    summary.tax_amount_currency += v.taxAmountCurrency;
    summary.tax_amount += v.taxAmount;
  }

  const subtotals = new Map<string, { tax_groups: Array<Record<string, unknown>>; tax_amount_currency: number; tax_amount: number; base_amount_currency: number; base_amount: number }>();
  const labelOf = (d: TaxData) => d.tax.taxGroup?.precedingSubtotal || UNTAXED_AMOUNT;
  for (const v of aggregate(lines, labelOf, (k) => `s:${k}`).values()) {
    const label = v.key || UNTAXED_AMOUNT;
    let s = subtotals.get(label);
    if (!s) subtotals.set(label, (s = { tax_groups: [], tax_amount_currency: 0, tax_amount: 0, base_amount_currency: 0, base_amount: 0 }));
    s.base_amount_currency += v.baseAmountCurrency;
    s.base_amount += v.baseAmount;
    s.tax_amount_currency += v.taxAmountCurrency;
    s.tax_amount += v.taxAmount;
  }

  const groups = [...aggregate<TaxGroupInfo | null>(lines, (d) => d.tax.taxGroup, (k) => (k ? `g:${k.id}` : 'null')).values()]
    .filter((v): v is typeof v & { key: TaxGroupInfo } => Boolean(v.key))
    .sort((a, b) => a.key.sequence - b.key.sequence || a.key.id - b.key.id);
  const encounteredBases = new Set<string>();
  const subtotalOrder = new Map<string, number>();
  groups.forEach((v, order) => {
    const group = v.key;
    const involved: TaxInfo[] = [];
    for (const { taxes } of v.lineTaxes) for (const d of taxes) if (!involved.some((t) => t.id === d.tax.id)) involved.push(d.tax);
    let displayBase: number | null = v.baseAmount;
    let displayBaseCurrency: number | null = v.baseAmountCurrency;
    const types = new Set(involved.map((t) => t.amountType));
    if (types.size === 1 && types.has('fixed')) {
      displayBase = null;
      displayBaseCurrency = null;
    } else if (types.size === 1 && types.has('division') && involved.every((t) => t.priceInclude)) {
      for (const { details } of v.lineTaxes) {
        for (const d of details.taxesData) {
          if (d.tax.amountType !== 'division') continue;
          displayBaseCurrency! += d.taxAmountCurrency;
          displayBase! += d.taxAmount;
        }
      }
    }
    if (displayBaseCurrency !== null) encounteredBases.add(displayBaseCurrency.toFixed(currency.decimalPlaces));
    const label = group.precedingSubtotal || UNTAXED_AMOUNT;
    if (!subtotalOrder.has(label)) subtotalOrder.set(label, order);
    let s = subtotals.get(label);
    if (!s) subtotals.set(label, (s = { tax_groups: [], tax_amount_currency: 0, tax_amount: 0, base_amount_currency: 0, base_amount: 0 }));
    s.tax_groups.push({
      id: group.id,
      involved_tax_ids: involved.map((t) => t.id),
      tax_amount_currency: v.taxAmountCurrency,
      tax_amount: v.taxAmount,
      base_amount_currency: v.baseAmountCurrency,
      base_amount: v.baseAmount,
      display_base_amount_currency: displayBaseCurrency,
      display_base_amount: displayBase,
      group_name: group.name,
      group_label: group.posReceiptLabel || false,
    });
  });

  const ordered = [...subtotals.entries()]
    .map(([label, s], index) => ({ label, s, index }))
    .sort((a, b) => (subtotalOrder.get(a.label) ?? 0) - (subtotalOrder.get(b.label) ?? 0) || a.index - b.index);
  for (const { label, s } of ordered) summary.subtotals.push({ ...s, name: label });

  return {
    ...summary,
    same_tax_base: encounteredBases.size === 1,
    total_amount_currency: summary.base_amount_currency + summary.tax_amount_currency,
    total_amount: summary.base_amount + summary.tax_amount,
  };
}
