import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * sale.order.line's pricelist_item_id (sale `_compute_pricelist_item_id` → product `_compute_price_rule`)
 * and product.pricelist.item's name, recorded from a real Odoo 18 after six rules were made on a new
 * pricelist of five draft/sent orders through its ORM (n1 pair, 2026-12-07): a global rule out of
 * reach (min quantity 1000), a category rule on an ancestor category from 2 units, a product rule
 * from 5 units, an expired variant rule, a variant rule from 1 unit and a dated global rule.
 * Ficus cannot create such rules (their consistency constraint is Python), so the rows Odoo made
 * are inserted first (fixtures/odoo-differential/product-sale-line-pricelist.sql); the calls are
 * product-sale-line-pricelist-calls.json → .jsonl (scripts/differential-odoo.py --calls … --record …).
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/product-sale-line-pricelist.jsonl');
const { engines, databases } = recordedEngines();

beforeAll(async () => {
  await databases.odoo_ref!.pool.query(readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-differential/product-sale-line-pricelist.sql'), 'utf8'));
}, 120_000);

describe('sale line pricelist rules recorded from Odoo 18', () => {
  it('holds the first applicable rule of each kind, as admin and demo', () => {
    expect(cases.length).toBe(8);
    expect(new Set(cases.map(recordedCall).map((c) => c.uid)).size).toBe(2);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    expect(text).toMatch(/"pricelist_item_id": ?\[2, ?"Category: All"\]/);
    expect(text).toMatch(/"pricelist_item_id": ?\[5, ?"Variant: \[FURN_8888\] Office Lamp"\]/);
    expect(text).toMatch(/"pricelist_item_id": ?\[6, ?"All Products"\]/);
    expect(text).toMatch(/"pricelist_item_id": ?false/);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
