import { roundTo } from './float-round.ts';

/**
 * One account.tax as the taxes computation sees it (addons/account/models/account_tax.py 18).
 * `priceInclude` is the computed `price_include`: the tax's own override, else the company's
 * `account_price_include`.
 */
export interface TaxInfo {
  readonly id: number;
  readonly sequence: number;
  readonly amountType: 'percent' | 'fixed' | 'division' | 'group' | string;
  readonly amount: number;
  readonly priceInclude: boolean;
  readonly includeBaseAmount: boolean;
  readonly isBaseAffected: boolean;
  /** A repartition line with a negative factor (reverse charge): the tax counts twice, once negated. */
  readonly hasNegativeFactor: boolean;
  readonly taxGroup: TaxGroupInfo | null;
  /** A group tax's children (`children_tax_ids`). */
  readonly children: readonly TaxInfo[];
}

export interface TaxGroupInfo {
  readonly id: number;
  readonly name: string;
  readonly sequence: number;
  readonly precedingSubtotal: string | null;
  readonly posReceiptLabel: string | null;
}

export type SpecialMode = false | 'total_excluded' | 'total_included';
export type RoundingMethod = 'round_per_line' | 'round_globally';

export interface TaxAmount {
  readonly tax: TaxInfo;
  readonly group: TaxInfo | null;
  readonly taxAmount: number;
  readonly baseAmount: number;
  readonly isReverseCharge: boolean;
}

export interface TaxDetails {
  readonly totalExcluded: number;
  readonly totalIncluded: number;
  readonly taxes: readonly TaxAmount[];
}

interface Working {
  tax: TaxInfo;
  priceInclude: boolean;
  batch: TaxInfo[];
  group: TaxInfo | null;
  extraForTax: number;
  extraForBase: number;
  taxAmount?: number;
  base?: number;
}

const bySequence = (a: TaxInfo, b: TaxInfo) => a.sequence - b.sequence || a.id - b.id;

/**
 * `_get_tax_details`: the base and amount of each tax on `quantity × priceUnit`. Taxes are
 * flattened (a group's children in its place) and ordered by (sequence, id), then gathered into
 * batches of neighbours computed together (same type, same price-included flag, same
 * include-base-amount, not cut by a base-affected tax). Fixed taxes are evaluated first,
 * price-included ones walking backwards, price-excluded ones forwards; each computed amount
 * feeds the base of the taxes it affects before or after it. Per-line rounding rounds the raw
 * base and every amount to the currency's rounding as they are computed.
 */
export function taxDetails(
  taxes: readonly TaxInfo[],
  priceUnit: number,
  quantity: number,
  options: { rounding: number; roundingMethod: RoundingMethod; specialMode?: SpecialMode },
): TaxDetails {
  const specialMode = options.specialMode ?? false;
  const perLine = options.roundingMethod === 'round_per_line';
  const sorted: TaxInfo[] = [];
  const groupOf = new Map<number, TaxInfo>();
  for (const tax of [...taxes].sort(bySequence)) {
    if (tax.amountType === 'group') {
      for (const child of [...tax.children].sort(bySequence)) {
        if (!sorted.includes(child)) sorted.push(child);
        groupOf.set(child.id, tax);
      }
    } else if (!sorted.includes(tax)) sorted.push(tax);
  }

  const batchOf = new Map<number, TaxInfo[]>();
  let batch: TaxInfo[] = [];
  let baseAffected = false;
  for (const tax of [...sorted].reverse()) {
    if (batch.length) {
      const head = batch[0]!;
      const sameBatch = tax.amountType === head.amountType
        && (specialMode !== false || tax.priceInclude === head.priceInclude)
        && tax.includeBaseAmount === head.includeBaseAmount
        && ((tax.includeBaseAmount && !baseAffected) || !tax.includeBaseAmount);
      if (!sameBatch) {
        for (const t of batch) batchOf.set(t.id, batch);
        batch = [];
      }
    }
    baseAffected = tax.isBaseAffected;
    batch.push(tax);
  }
  for (const t of batch) batchOf.set(t.id, batch);

  const data = new Map<number, Working>();
  for (const tax of sorted) {
    data.set(tax.id, {
      tax,
      priceInclude: specialMode === 'total_included' ? true : specialMode === 'total_excluded' ? false : tax.priceInclude,
      batch: batchOf.get(tax.id)!,
      group: groupOf.get(tax.id) ?? null,
      extraForTax: 0,
      extraForBase: 0,
    });
  }

  let rawBase = quantity * priceUnit;
  if (perLine) rawBase = roundTo(rawBase, options.rounding);

  const before = (tax: TaxInfo): TaxInfo[] => {
    const out: TaxInfo[] = [];
    for (const t of sorted) {
      if (data.get(tax.id)!.batch.includes(t)) break;
      out.push(t);
    }
    return out;
  };
  const after = (tax: TaxInfo): TaxInfo[] => {
    const out: TaxInfo[] = [];
    for (const t of [...sorted].reverse()) {
      if (data.get(tax.id)!.batch.includes(t)) break;
      out.push(t);
    }
    return out;
  };
  const addExtraBase = (tax: TaxInfo, other: TaxInfo, sign: 1 | -1) => {
    const amount = data.get(tax.id)!.taxAmount!;
    const o = data.get(other.id)!;
    if (o.taxAmount === undefined) o.extraForTax += sign * amount;
    o.extraForBase += sign * amount;
  };
  // `_propagate_extra_taxes_base`: which other taxes' bases this tax's amount moves.
  const propagate = (tax: TaxInfo) => {
    if (tax.priceInclude) {
      if (specialMode === false || specialMode === 'total_included') {
        if (!tax.includeBaseAmount) for (const o of after(tax)) if (o.priceInclude) addExtraBase(tax, o, -1);
        for (const o of before(tax)) addExtraBase(tax, o, -1);
      } else {
        for (const o of after(tax)) if (!o.priceInclude || tax.includeBaseAmount) addExtraBase(tax, o, 1);
      }
    } else if (specialMode === false || specialMode === 'total_excluded') {
      if (tax.includeBaseAmount) for (const o of after(tax)) addExtraBase(tax, o, 1);
    } else {
      if (!tax.includeBaseAmount) for (const o of after(tax)) addExtraBase(tax, o, -1);
      for (const o of before(tax)) addExtraBase(tax, o, -1);
    }
  };
  const evaluate = (tax: TaxInfo, amountOf: (batch: TaxInfo[], base: number) => number | null) => {
    const d = data.get(tax.id)!;
    if (d.taxAmount !== undefined) return;
    const amount = amountOf(d.batch, rawBase + d.extraForTax);
    if (amount === null) return;
    d.taxAmount = perLine ? roundTo(amount, options.rounding) : amount;
    propagate(tax);
  };
  const batchPercent = (batch: TaxInfo[]) => batch.reduce((s, t) => s + t.amount, 0) / 100;

  for (const tax of [...sorted].reverse()) evaluate(tax, () => (tax.amountType === 'fixed' ? quantity * tax.amount : null));
  for (const tax of [...sorted].reverse()) {
    if (!data.get(tax.id)!.priceInclude) continue;
    evaluate(tax, (b, base) => {
      if (tax.amountType === 'percent') {
        const total = batchPercent(b);
        return base * (total !== -1 ? 1 / (1 + total) : 0) * tax.amount / 100;
      }
      if (tax.amountType === 'division') return base * tax.amount / 100;
      return null;
    });
  }
  for (const tax of sorted) {
    if (data.get(tax.id)!.priceInclude) continue;
    evaluate(tax, (b, base) => {
      if (tax.amountType === 'percent') return base * tax.amount / 100;
      if (tax.amountType === 'division') {
        const total = batchPercent(b);
        return base * tax.amount / 100 / (total === 1 ? 1 : 1 - total);
      }
      return null;
    });
  }

  for (const tax of [...sorted].reverse()) {
    const d = data.get(tax.id)!;
    if (d.taxAmount === undefined) continue;
    const batchTotal = d.batch.reduce((s, t) => s + (data.get(t.id)!.taxAmount ?? 0), 0);
    let base = rawBase + d.extraForBase;
    if (d.priceInclude && (specialMode === false || specialMode === 'total_included')) base -= batchTotal;
    d.base = base;
  }

  const result: TaxAmount[] = [];
  for (const tax of sorted) {
    const d = data.get(tax.id)!;
    if (d.taxAmount === undefined) continue;
    result.push({ tax, group: d.group, taxAmount: d.taxAmount, baseAmount: d.base!, isReverseCharge: false });
    if (tax.hasNegativeFactor) result.push({ tax, group: d.group, taxAmount: -d.taxAmount, baseAmount: d.base!, isReverseCharge: true });
  }
  if (!result.length) return { totalExcluded: rawBase, totalIncluded: rawBase, taxes: [] };
  const totalExcluded = result[0]!.baseAmount;
  return { totalExcluded, totalIncluded: totalExcluded + result.reduce((s, t) => s + t.taxAmount, 0), taxes: result };
}
