import { beforeAll, describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * The non-stored computes clients read that Ficus used to leave out of a read (issue 17), recorded
 * from a real Odoo 18 (fixtures/odoo-differential/invoicing-sales-computes-calls.json →
 * invoicing-sales-computes.jsonl, scripts/differential-odoo.py --calls … --record … against the m6
 * pair, fresh odoo_ref and hp_legacy): product.product / product.template `sales_count` (the
 * reader's confirmed sales of the last 365 days through sale.report's rules: salesmen, own
 * documents for demo, 0 for portal), product.product `partner_ref` (its display name without a
 * partner in the context), sale.order and sale.order.line `amount_invoiced`, `amount_to_invoice`,
 * `qty_invoiced_posted` (portal: the product's AccessError met through the line), as admin, demo
 * and portal, and hp_legacy's admin and a member.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/invoicing-sales-computes.jsonl');
const { engines, databases } = recordedEngines();

// sales_count counts the orders of the last 365 days by the clock: the orders keep the age they had
// when Odoo answered (recorded 2026-12-07 13:40 UTC), so the recording stays the answer later on.
const RECORDED_AT = '2026-12-07 13:40:00';
beforeAll(async () => {
  await databases.odoo_ref!.pool.query(`UPDATE sale_order SET date_order = date_order + ((now() AT TIME ZONE 'UTC') - $1::timestamp) WHERE (now() AT TIME ZONE 'UTC') > $1::timestamp`, [RECORDED_AT]);
});

describe('sales counts, partner references and invoicing amounts recorded from Odoo 18', () => {
  it('holds the computes as several users on both databases, some of them non-zero', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const calls = cases.map(recordedCall);
    expect(new Set(calls.map((c) => c.database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(new Set(calls.map((c) => `${c.database}:${c.uid}`)).size).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    expect(text).toMatch(/"sales_count": ?[1-9]/);
    expect(text).toMatch(/"amount_to_invoice": ?[1-9]/);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
