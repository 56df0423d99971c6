import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * product.pricelist.item's `price` and `rule_tip` labels (read/pricelist-item-labels.ts), recorded
 * from a real Odoo 18 (p1 pair, 2026-12-07: scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/pricelist-item-labels-calls.json --record
 * fixtures/odoo-differential/pricelist-item-labels.jsonl, 5/5 equal to Ficus then): fixed prices
 * (grouped thousands), whole and fractional percentages, formulas with a surcharge, a rebate, a
 * markup on cost, nothing extra (the trailing space), a factor Python prints as
 * 0.6667000000000001, rules based on another pricelist; read as admin and demo.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/pricelist-item-labels.jsonl');
const { engines } = recordedEngines();

describe('pricelist item labels recorded from Odoo 18', () => {
  it('holds labels of every kind of rule', () => {
    expect(cases.length).toBe(5);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    for (const piece of ['12.5 % discount on sales price', '30 % markup on product cost ', '- $\u00a00.01 rebate', '* 0.6667000000000001 +', '$\u00a01,234,567.50', '7 % discount on Labels (USD)']) {
      expect(text).toContain(piece);
    }
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
