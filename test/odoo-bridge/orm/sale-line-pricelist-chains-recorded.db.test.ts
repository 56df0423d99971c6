import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * More sales order line pricing recorded from a real Odoo 18 (p1 pair, 2026-12-07:
 * scripts/differential-odoo.py --calls fixtures/odoo-differential/sale-line-pricelist-chains-calls.json
 * --record fixtures/odoo-differential/sale-line-pricelist-chains.jsonl, 23/23 equal to Ficus then),
 * in order on one fresh copy of odoo_ref: EUR activated (Odoo makes a default USD pricelist); a EUR
 * pricelist rounding to 10 less 0.01; a USD pricelist first in sequence, based on the EUR one (its
 * price converted back at the company's rates, plus a surcharge), a cost-based variant rule and a
 * template rule from 24 units (reached by two dozens, not by one); an order without pricelist (the
 * partner's, the first in sequence) with a hand-set price; its copy; the pricelist archived (its
 * rules still apply to a new line); the order moved to the EUR pricelist (lines keep their prices),
 * then `action_update_prices` (every line in EUR), confirmed, and updated again.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/sale-line-pricelist-chains.jsonl');
const { engines } = recordedEngines();

describe('sale order line prices through pricelist chains recorded from Odoo 18', () => {
  it('holds the chained, converted and archived pricelists\' lines', () => {
    expect(cases.length).toBe(23);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    expect(text).toContain('"price_unit":79.99');
    expect(text).toContain('[125,"EUR"]');
    expect(cases.filter((c) => c.response.body.error)).toEqual([]);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
