import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atScale, formatDecimal, parseDecimal, roundToCurrency } from '../../../services/ec/domain/pacing-decimal.ts';
import { admitImpressions } from '../../../services/ec/domain/pacing.ts';

/** Money in cents as text ("12.34"), the legacy numeric columns' form for CNY. */
const cents = (n: bigint) => formatDecimal(n, 2);
const centsOf = (text: string) => atScale(parseDecimal(text), 2);
const moneyCents = fc.bigInt({ min: 0n, max: 10_000_000n });
const costCents = fc.bigInt({ min: 0n, max: 500n });

describe('pacing: which impressions of a batch a campaign can pay for (exact decimals)', () => {
  it('never takes spent past the budget; spentAfter = spent + added = spent + the admitted costs; each refusal is a cost that did not fit', () => {
    fc.assert(
      fc.property(moneyCents, moneyCents, fc.array(costCents, { maxLength: 300 }), (budget, spent, costs) => {
        const admission = admitImpressions({ budget: cents(budget), spent: cents(spent) }, costs.map(cents));
        let remaining = budget - spent;
        let added = 0n;
        costs.forEach((cost, n) => {
          const verdict = admission.outcomes[n];
          if (budget - spent <= 0n) return expect(verdict).toBe('budget_exhausted');
          if (cost <= remaining) {
            expect(verdict).toBe(true);
            remaining -= cost;
            added += cost;
          } else {
            expect(verdict).toBe('over_budget');
          }
        });
        expect(centsOf(admission.added)).toBe(added);
        expect(centsOf(admission.spentAfter)).toBe(spent + added);
        if (spent <= budget) expect(spent + added).toBeLessThanOrEqual(budget);
        else expect(added).toBe(0n);
      }),
      { numRuns: 500 },
    );
  });

  it('is exact where float sums are not: 1,000 impressions of 0.1 against a budget of 100 are all admitted and add 100.0', () => {
    const tenths = Array.from({ length: 1000 }, () => '0.1');
    let floatSum = 0;
    for (const t of tenths) floatSum += Number(t);
    expect(floatSum).not.toBe(100); // 99.9999999999986: a float pacer would refuse or overshoot somewhere here
    const admission = admitImpressions({ budget: '100', spent: '0' }, tenths);
    expect(admission.outcomes.every((o) => o === true)).toBe(true);
    expect(admission.added).toBe('100.0');
    expect(admitImpressions({ budget: '100.00', spent: '99.95' }, ['0.03', '0.03', '0.02', '0.01']).outcomes).toEqual([true, 'over_budget', true, 'over_budget']);
  });

  it('mixed scales add exactly (a legacy spent of 9.49, costs of 0.005 and 0.03): the sum at the widest scale', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 9999n }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 50 }), (parts) => {
        const texts = parts.map(([units, scale]) => formatDecimal(units, scale));
        const admission = admitImpressions({ budget: '1000000', spent: '9.49' }, texts);
        const scale = Math.max(2, ...parts.map(([, s]) => s));
        const exact = parts.reduce((sum, [units, s]) => sum + units * 10n ** BigInt(scale - s), 0n);
        expect(atScale(parseDecimal(admission.added), scale)).toBe(exact);
      }),
    );
  });

  it('a campaign whose spent has reached its budget is served nothing, not even a free impression', () => {
    expect(admitImpressions({ budget: '5.00', spent: '5.00' }, ['0', '0.01']).outcomes).toEqual(['budget_exhausted', 'budget_exhausted']);
    expect(admitImpressions({ budget: null, spent: null }, ['0.01']).outcomes).toEqual(['budget_exhausted']);
    expect(admitImpressions({ budget: '5.00', spent: '4.99' }, ['0', '0.01', '0']).outcomes).toEqual([true, true, true]);
  });
});

describe('currency rounding of a cost, as Odoo stores a Monetary (half-up to the currency\'s rounding)', () => {
  it('is a multiple of the rounding within half a step of the value, half-up', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 }), fc.constantFrom('0.01', '0.05', '1', '0.001'), (units, scale, roundingText) => {
        const value = { units, scale };
        const rounding = parseDecimal(roundingText);
        const rounded = roundToCurrency(value, rounding);
        const s = Math.max(rounded.scale, scale, rounding.scale);
        const v = atScale(value, s);
        const r = atScale(rounding, s);
        const out = atScale(rounded, s);
        expect(out % r).toBe(0n);
        expect(2n * (out - v) <= r && 2n * (v - out) < r).toBe(true); // |out − v| ≤ r/2, ties up
      }),
    );
  });

  it('bid_cpm / 1000 as the seed stores it, at the currency\'s scale: 28.86 → 0.03, 10.29 → 0.01, 5 → 0.01 (half up), 4.99 → 0.00', () => {
    const perImpression = (bid: string) => {
      const d = parseDecimal(bid);
      const r = roundToCurrency({ units: d.units, scale: d.scale + 3 }, parseDecimal('0.01'));
      return formatDecimal(r.units, r.scale);
    };
    expect(['28.86', '10.29', '5', '4.99', '0.125'].map(perImpression)).toEqual(['0.03', '0.01', '0.01', '0.00', '0.00']);
    expect(formatDecimal(roundToCurrency(parseDecimal('0.125'), parseDecimal('0.01')).units, 2)).toBe('0.13');
  });

  it('parses what numeric columns and JSON give and refuses what it cannot hold exactly', () => {
    expect(parseDecimal('5000.00')).toEqual({ units: 500000n, scale: 2 });
    expect(parseDecimal(null)).toEqual({ units: 0n, scale: 0 });
    expect(parseDecimal(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(() => parseDecimal(1e-7)).toThrow(RangeError);
    expect(() => parseDecimal('1,5')).toThrow(RangeError);
    expect(formatDecimal(-5n, 2)).toBe('-0.05');
  });
});
