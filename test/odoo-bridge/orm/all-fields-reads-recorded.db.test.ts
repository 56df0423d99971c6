import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * All-fields reads (`read` / `search_read` without `fields`, what odoorpc does when it browses a
 * record) recorded from a real Odoo 18
 * (fixtures/odoo-differential/all-fields-reads-calls.json → all-fields-reads.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/all-fields-reads-calls.json \
 *     --record fixtures/odoo-differential/all-fields-reads.jsonl
 * against the oracle pair of /tmp/oracle/README.md, fresh odoo_ref and hp_legacy), as admin, as
 * odoo_ref's demo (sales and invoicing, own documents only) and as an hp_legacy member: every key
 * Odoo answers, with Odoo's value — res.partner's account / sale / payment / e-invoicing computes
 * (credit and debit, invoiced totals under the salesman's invoice-report rule, days sales
 * outstanding, journal item / bank / token / sale order counts), res.users' sales teams,
 * res.company's user lock dates, VAT placeholder and tax countries, res.partner.bank's type,
 * display name and trust fields, and the hp_legacy addons' models.
 * Beside them, named reads of the product computes (fixtures/odoo-differential/product-computes*,
 * recorded the same way): tooltips by type and invoicing policy, pricelist item and document
 * counts, valid attribute lines, vendor codes under context partner_id, the catalog flag under
 * context order_id, all tags, the zoomable image (product.template / product.product all-fields
 * reads still differ by sales_count, tax_string, packaging and document lists), and of sale.order's
 * (fixtures/odoo-differential/sale-order-computes*: portal url and warning, expiry, tax country,
 * active pricelist, archived products, invoices, transactions, paid and undiscounted amounts,
 * duplicates, credit warning, a confirmed order's expected date, sale.order.line's template, archived
 * product, readonly unit, updatable product, and related fields through an inherited unit, as admin
 * and demo; sale.order's all-fields
 * read still differs by amount_invoiced and amount_to_invoice, and a quotation's expected date is the clock's).
 * Creation and write dates are left out: they are the clock's, not a rule's.
 */
const VOLATILE = new Set(['create_date', 'write_date', '__last_update', 'login_date']);

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, withoutVolatile(v)]));
  return value;
}

const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/all-fields-reads.jsonl');
const productCases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/product-computes.jsonl');
const saleOrderCases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/sale-order-computes.jsonl');
const { engines } = recordedEngines();

describe('all-fields reads recorded from a real Odoo 18', () => {
  it('holds at least 30 all-fields reads over both databases and several users', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const calls = cases.map(recordedCall);
    expect(calls.every((c) => c.kwargs.fields === undefined && ['read', 'search_read'].includes(c.method))).toBe(true);
    expect(new Set(calls.map((c) => c.database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(new Set(calls.map((c) => `${c.database}:${c.uid}`)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(calls.map((c) => c.model)).size).toBeGreaterThanOrEqual(15);
  });

  it('holds named reads of the product computes on both databases', () => {
    expect(productCases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(productCases.map((c) => recordedCall(c).database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
  });

  for (const recorded of [...cases, ...productCases.map((c) => ({ ...c, id: `products ${c.id}` })), ...saleOrderCases.map((c) => ({ ...c, id: `sale orders ${c.id}` }))]) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { normalize: withoutVolatile });
      expect(actual).toEqual(expected);
    });
  }
});
