import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * All-fields reads of product, attribute, currency-rate, combo, campaign and sale line models
 * (issue 17), recorded from a real Odoo 18 (fixtures/odoo-differential/product-sale-line-computes-calls.json
 * → product-sale-line-computes.jsonl, scripts/differential-odoo.py --calls … --record … against the
 * n1 pair, fresh databases, 2026-12-07): search_read and read with no field list, and web_read of
 * the computes, as admin, demo and portal on odoo_ref and as admin and member001 on hp_legacy
 * (odoo-bridge/orm/read/product-sale-line-computes.ts; the "attribute: value" display names of
 * product.template.attribute.value and account.move.line's in display-name.ts).
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/product-sale-line-computes.jsonl');
const { engines } = recordedEngines();

describe('product and sale line computes recorded from Odoo 18', () => {
  it('holds the computes with values, for every user, refusals among them', () => {
    const calls = cases.map(recordedCall);
    expect(cases.length).toBe(86);
    expect(new Set(calls.map((c) => `${c.database}:${c.uid}`)).size).toBe(5);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    expect(text).toMatch(/"display_name": ?"Legs: Steel"/);
    expect(text).toMatch(/"product_template_attribute_value_id": ?\[\d+, ?"Legs: /);
    expect(text).toMatch(/"company_rate": ?[0-9.]+, ?"inverse_company_rate"|"inverse_company_rate": ?[0-9.]+/);
    expect(text).toMatch(/"number_related_products": ?[1-9]/);
    expect(text).toMatch(/"is_used_on_products": ?true/);
    expect(text).toMatch(/"price_discounted": ?[1-9]/);
    expect(text).toMatch(/"combo_item_count": ?[1-9]/);
    expect(text).toMatch(/"base_price": ?[1-9]/);
    expect(text).toMatch(/"is_configurable_product": ?true/);
    expect(text).toMatch(/"analytic_precision": ?2/);
    expect(text).toMatch(/"quotation_count": ?0/);
    expect(text).toMatch(/"tax_string": ?"\(= \$\u00a013\.80 Incl\. Taxes\)"/);
    expect(text).toMatch(/"tax_string": ?" "/);
    expect(text).toMatch(/"tax_string": ?"\(= \$\u00a010\.43 Excl\. Taxes\)"/);
    expect(text).toMatch(/"display_name": ?"INV\/\d{4}\/\d+ /);
    expect(text).toMatch(/AccessError|access/i);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
