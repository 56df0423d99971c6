import { roundTo } from './float-round.ts';

/**
 * The arithmetic of one pricelist rule (addons/product/models/product_pricelist_item.py 18
 * `_compute_price`), apart from where its base price comes from: the caller gives the base price
 * (already in the line's unit and currency) and `convert`, which carries an amount stated per
 * product unit (a fixed price, a surcharge, a margin) over to the line's unit.
 */
export interface RuleTerms {
  computePrice: 'fixed' | 'percentage' | 'formula';
  fixedPrice: number;
  percentPrice: number;
  priceDiscount: number;
  priceRound: number;
  priceSurcharge: number;
  priceMinMargin: number;
  priceMaxMargin: number;
}

/**
 * The rule's price: a fixed price; the base less a percentage; or the formula — the base less
 * `price_discount` %, rounded to `price_round`, plus the surcharge, then held between the base
 * plus the minimum margin and the base plus the maximum margin (each bound only when set).
 */
export function rulePrice(terms: RuleTerms, base: number, convert: (perProductUnit: number) => number): number {
  if (terms.computePrice === 'fixed') return convert(terms.fixedPrice);
  if (terms.computePrice === 'percentage') return base - base * (terms.percentPrice / 100) || 0;
  let price = base - base * (terms.priceDiscount / 100) || 0;
  if (terms.priceRound) price = roundTo(price, terms.priceRound);
  if (terms.priceSurcharge) price += convert(terms.priceSurcharge);
  if (terms.priceMinMargin) price = Math.max(price, base + convert(terms.priceMinMargin));
  if (terms.priceMaxMargin) price = Math.min(price, base + convert(terms.priceMaxMargin));
  return price;
}

/**
 * sale_order_line.py `_compute_discount`: the discount shown on a line whose rule shows it — how
 * far the pricelist price is below the price before discount, in percent; a surcharge (or any
 * sign mismatch) shows none, and a zero base shows none.
 */
export function shownDiscount(basePrice: number, pricelistPrice: number): number {
  if (basePrice === 0) return 0;
  const discount = ((basePrice - pricelistPrice) / basePrice) * 100;
  return (discount > 0 && basePrice > 0) || (discount < 0 && basePrice < 0) ? discount : 0;
}

/** `float_round(value, precision_rounding=r, rounding_method='UP')`: away from zero (uom `_compute_quantity`). */
export function roundAwayFromZero(value: number, rounding: number): number {
  if (!value || !(rounding > 0)) return 0;
  const inverse = rounding < 1 ? Math.round(1 / rounding) : null;
  const normalized = inverse ? value * inverse : value / rounding;
  const epsilon = 2 ** (Math.log2(Math.abs(normalized)) - 50);
  const result = Math.trunc(normalized + Math.sign(normalized) * (1 - epsilon));
  const scaled = inverse ? result / inverse : result * rounding;
  return scaled === 0 ? 0 : scaled;
}
