import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from '../support/recorded-calls.ts';

/**
 * account.tax created, written, copied and unlinked as a real Odoo 18 answered
 * (fixtures/odoo-differential/account-tax-writes.jsonl, recorded in this order on a fresh odoo_ref
 * copy by `scripts/differential-odoo.py --calls fixtures/odoo-differential/account-tax-writes-calls.json
 * --record …`), with the taxes and repartition lines read back:
 * - create: country and tax group from the company (a country without a group: the required
 *   field's error; the group follows a change of country), the default base and tax lines per
 *   document type (a batch gets every invoice line first), lines given per document type, a group
 *   of taxes; the display name of a tax of another country;
 * - every constraint's text: unique names per company, use, scope and country (archived taxes and
 *   use 'none' aside), the repartition rules (one base line, same count, a tax line, matching
 *   percentages, +100 % and -100 % totals), children scope, nesting and recursion;
 * - writes of an unused tax log nothing, a used one's are tracked; copy names "(Copy)"; an unused
 *   tax unlinks with its lines; demo (sales user) may read but not create;
 * - the new taxes on sale order lines: a zero tax, a price-included one through a group.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/account-tax-writes.jsonl');
const { engines } = recordedEngines();

describe('account.tax create, write, copy and unlink: Ficus answers as Odoo 18 did', () => {
  it('covers creates, writes, copies, unlinks and reads, as admin and demo', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const methods = new Set(cases.map((c) => recordedCall(c).method));
    for (const method of ['create', 'write', 'copy', 'unlink', 'read', 'search_read']) expect(methods).toContain(method);
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6]));
    expect(cases.filter((c) => c.response.body.error).length).toBeGreaterThanOrEqual(15);
  });

  // In the recorded order: each call sees what the earlier ones made.
  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
