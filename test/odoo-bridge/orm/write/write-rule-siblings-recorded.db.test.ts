import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from '../support/recorded-calls.ts';

/**
 * Siblings of the write rules behind golden seq_partner#37/#64 and seq_constraints#10/#18, as a
 * real Odoo 18 answered them (fixtures/odoo-differential-write/write-rule-siblings-recorded.jsonl,
 * recorded in this order on a fresh odoo_ref by scripts/record-write-rule-siblings.py from
 * write-rule-siblings-calls.json): the `@api.ondelete` guards of res.partner (active users, as
 * one form or a list; journal entries), uom.uom, product.category, mail.activity.type,
 * utm.medium, crm.team and res.lang; res.lang's create/write overrides and constraints; the pricelist
 * rule on itself; `create()` named bare in TypeErrors (@api.model_create_multi); product.category complete_name
 * over its subtree and partner names following a rename without moving commercial partners; uom's factor_inv and one-reference rule; account's
 * currency rounding guard; a value written to a stored compute kept while its dependants
 * follow, and a computed value given to create recomputed; ACLs and record rules of the demo
 * (internal) and portal users over create/write/unlink/read/has_access. The calls run in the recorded order
 * on one fresh copy, as they were recorded (later calls read what earlier ones wrote).
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential-write/write-rule-siblings-recorded.jsonl');
const { engines } = recordedEngines();

describe('write-rule siblings: Ficus answers as Odoo 18 did', () => {
  it('has errors and results, over several models', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.response.body.error).length).toBeGreaterThan(15);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThan(15);
    expect(new Set(cases.map((c) => recordedCall(c).model)).size).toBeGreaterThanOrEqual(8);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
