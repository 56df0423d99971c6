import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundAwayFromZero, rulePrice, shownDiscount, type RuleTerms } from '../../../../odoo-bridge/orm/write/sale/pricelist-rule-arithmetic.ts';

/** product_pricelist_item.py `_compute_price`'s arithmetic and sale's `_compute_discount`, on cases worked out by hand and on properties. */
const NONE: RuleTerms = { computePrice: 'formula', fixedPrice: 0, percentPrice: 0, priceDiscount: 0, priceRound: 0, priceSurcharge: 0, priceMinMargin: 0, priceMaxMargin: 0 };
const same = (x: number) => x;
const price = fc.double({ min: -10_000, max: 10_000, noNaN: true, noDefaultInfinity: true });
const percent = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });

describe('pricelist rule arithmetic', () => {
  it('gives the prices the oracle recorded (sale-line-pricelist-prices.jsonl)', () => {
    // 70 less 15 % = 59.5, rounded to 0.5, plus 1.25; margins -20 and 30 do not bind.
    expect(rulePrice({ ...NONE, priceDiscount: 15, priceRound: 0.5, priceSurcharge: 1.25, priceMinMargin: -20, priceMaxMargin: 30 }, 70, same)).toBe(60.75);
    // The same per dozen: base 840, surcharge and margins carried to dozens (× 12).
    expect(rulePrice({ ...NONE, priceDiscount: 15, priceRound: 0.5, priceSurcharge: 1.25, priceMinMargin: -20, priceMaxMargin: 30 }, 840, (p) => p * 12)).toBe(729);
    // Cost 20.5 with a 10 % markup (discount -10) plus 0.3.
    expect(rulePrice({ ...NONE, priceDiscount: -10, priceSurcharge: 0.3 }, 20.5, same)).toBeCloseTo(22.85, 10);
    // B on A: half of 60.75, held by the minimum margin of -3.
    expect(rulePrice({ ...NONE, priceDiscount: 50, priceMinMargin: -3 }, 60.75, same)).toBe(57.75);
    // A global 5 % rounded to 1: 14 → 13.3 → 13.
    expect(rulePrice({ ...NONE, priceDiscount: 5, priceRound: 1 }, 14, same)).toBe(13);
    expect(rulePrice({ ...NONE, computePrice: 'fixed', fixedPrice: 33.33 }, 0, (p) => p * 12)).toBeCloseTo(399.96, 10);
    expect(rulePrice({ ...NONE, computePrice: 'percentage', percentPrice: 20 }, 70, same)).toBe(56);
    // Shown discounts: 20 % of 70; B's 10 % on A's 20 %: 70 → 50.4 is 28 %.
    expect(shownDiscount(70, 56)).toBeCloseTo(20, 10);
    expect(shownDiscount(70, 50.4)).toBeCloseTo(28, 10);
    expect(shownDiscount(70, 80)).toBe(0);
    expect(shownDiscount(0, 5)).toBe(0);
    expect(shownDiscount(-10, -12)).toBeCloseTo(-20, 10);
    // Quantities in the product's unit are rounded up: 1 dozen = 12 units; 1/3 unit at 0.01 → 0.34.
    expect(roundAwayFromZero(1 / 0.08333333333333333, 0.01)).toBe(12);
    expect(roundAwayFromZero(1 / 3, 0.01)).toBe(0.34);
    expect(roundAwayFromZero(-1 / 3, 0.01)).toBe(-0.34);
  });

  it('a fixed price never looks at the base; a percentage is a formula without extras', () => {
    fc.assert(fc.property(price, price, price, percent, (fixed, base1, base2, pct) => {
      expect(rulePrice({ ...NONE, computePrice: 'fixed', fixedPrice: fixed }, base1, same)).toBe(rulePrice({ ...NONE, computePrice: 'fixed', fixedPrice: fixed }, base2, same));
      expect(rulePrice({ ...NONE, computePrice: 'percentage', percentPrice: pct }, base1, same)).toBe(rulePrice({ ...NONE, priceDiscount: pct }, base1, same));
    }));
  });

  it('a formula with both margins stays between base + min and base + max', () => {
    fc.assert(fc.property(price, percent, price, fc.double({ min: 0.01, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (base, pct, surcharge, min, width) => {
      const max = min + width;
      const p = rulePrice({ ...NONE, priceDiscount: pct, priceSurcharge: surcharge, priceMinMargin: min, priceMaxMargin: max }, base, same);
      expect(p).toBeGreaterThanOrEqual(base + min);
      expect(p).toBeLessThanOrEqual(base + max);
    }));
  });

  it('a shown discount, applied to the base price, gives the pricelist price back', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 10_000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (base, share) => {
      const pricelistPrice = base * share;
      const discount = shownDiscount(base, pricelistPrice);
      if (pricelistPrice < base) expect(base * (1 - discount / 100)).toBeCloseTo(pricelistPrice, 6);
      else expect(discount).toBe(0);
    }));
  });

  it('rounding up lands on the next step away from zero', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 100_000, noNaN: true }), fc.constantFrom(0.01, 0.001, 0.5, 1, 5), (value, rounding) => {
      const up = roundAwayFromZero(value, rounding);
      expect(up).toBeGreaterThanOrEqual(value - rounding * 1e-9);
      expect(up - value).toBeLessThan(rounding * (1 + 1e-9));
      expect(roundAwayFromZero(-value, rounding)).toBe(-up);
    }));
  });
});
