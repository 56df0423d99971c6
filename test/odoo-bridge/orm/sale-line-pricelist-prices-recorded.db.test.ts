import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Sales order line prices from pricelist rules, recorded from a real Odoo 18 (p1 pair, 2026-12-07:
 * scripts/differential-odoo.py --calls fixtures/odoo-differential/sale-line-pricelist-prices-calls.json
 * --record fixtures/odoo-differential/sale-line-pricelist-prices.jsonl, 66/66 equal to Ficus then).
 * The calls run in order on one fresh copy of odoo_ref: a 15% tax on the office chair; pricelist A
 * with a rule of each kind (a variant's fixed price, a template formula from 3 units with rounding,
 * surcharge and margins, a category percentage, a cost-based formula on the services category, a
 * rounded global formula, an expired and a future global rule, a global rule whose product and
 * category go); pricelist B based on A (a category percentage, a global formula held by its
 * minimum margin); orders on both with lines in the product's unit and in dozens, sections, a
 * given price and discount; quantity, product and hand-set price changes; the order's pricelist
 * changing (lines keep their prices); demo's order; "Discount on lines" switched on (percentage
 * rules show the price before discount and the discount, down B's chain to A's percentage rule);
 * a pricelist in EUR (prices converted from the product's USD at the company's rates); and the
 * pricelist items' create/write overrides and constraints; `action_update_prices` on the order moved
 * to B (hand-set prices and discounts priced again, the note linking the pricelist), on two orders
 * (not a singleton), by demo on another's order (AccessError) and on their own. Each answer — price_unit, discount,
 * price_subtotal / tax / total, the order's amounts and tax_totals — equals Odoo's.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/sale-line-pricelist-prices.jsonl');
const { engines } = recordedEngines();

describe('sale order line prices from pricelist rules recorded from Odoo 18', () => {
  it('holds rules of every kind, both users, shown discounts, another currency and refused rules', () => {
    expect(cases.length).toBe(66);
    expect(new Set(cases.map(recordedCall).map((c) => c.uid))).toEqual(new Set([2, 6]));
    const lines = cases.flatMap((c) => (Array.isArray(c.response.body.result) ? c.response.body.result : []) as Array<Record<string, unknown>>)
      .filter((row) => 'price_unit' in row && 'pricelist_item_id' in row);
    const ruleNames = new Set(lines.map((row) => (Array.isArray(row.pricelist_item_id) ? row.pricelist_item_id[1] : false)));
    expect([...ruleNames]).toEqual(expect.arrayContaining(['Variant: [FURN_8888] Office Lamp', '[FURN_7777] Office Chair', 'Category: All / Saleable', 'Category: All / Saleable / Services', 'All Products', false]));
    expect(lines.some((row) => row.discount === 28)).toBe(true);
    expect(JSON.stringify(cases.map((c) => c.response.body))).toContain('[125,"EUR"]');
    const errors = cases.filter((c) => c.response.body.error).map((c) => c.response.body.error!.data.name);
    expect(errors.filter((name) => name === 'odoo.exceptions.ValidationError')).toHaveLength(5);
    expect(errors).toEqual(expect.arrayContaining(['builtins.ValueError', 'odoo.exceptions.AccessError']));
    expect(JSON.stringify(cases.map((c) => c.response.body))).toContain('Product prices have been recomputed according to pricelist <a href=\\"#\\" data-oe-model=\\"product.pricelist\\" data-oe-id=\\"2\\">B On A (USD)</a>.');
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
