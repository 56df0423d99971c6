import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * How a value becomes a column value (each field class's `convert_to_column`), in searches and in
 * writes, as a real Odoo 18 answered it (fixtures/odoo-differential/value-conversion.jsonl,
 * recorded in this order on fresh odoo_ref and hp_legacy copies by `scripts/differential-odoo.py
 * --calls fixtures/odoo-differential/value-conversion-calls.json --record …`):
 * - an Integer or Float compared with False/None is compared with 0 (`int(value or 0)`), a
 *   Monetary with NULL, and `>=`/`<=` a falsy value still match the NULL rows (the cmp rule);
 * - a Float's comparison value, and the value a write stores, are rounded to its digits (fixed, or a
 *   decimal.precision row such as 'Product Price');
 * - like/ilike and their negations with a falsy value (False, 0, '') are everything or nothing;
 * - an Html field's comparison value is html_sanitize'd first (`=like '<s%'` compares with '<s></s>').
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/value-conversion.jsonl');
const { engines } = recordedEngines();

describe('value conversion: Ficus answers as Odoo 18 did', () => {
  it('covers searches and writes on both databases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(cases.map((c) => recordedCall(c).database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(cases.filter((c) => ['write', 'create'].includes(recordedCall(c).method)).length).toBeGreaterThanOrEqual(4);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
