import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * A many2one given to create as no int ('1', 1.5, ' 2 '): PostgreSQL stores the integer it reads
 * (parent_path follows it), but the computes on the new records read the cache, where
 * `Many2one.convert_to_cache` made it empty (write/uncached-many2ones.ts): product.category's
 * complete_name is the bare name, until a later write recomputes it from the row; res.partner's
 * create override syncs no address from such a parent and the partner is its own commercial
 * entity (`_fields_sync` reads the cache too). An int, False
 * and '' behave as before. Recorded in this order on fresh odoo_ref and hp_legacy copies by
 * `scripts/differential-odoo.py --calls fixtures/odoo-differential/create-uncached-many2ones-calls.json
 * --record …`, as admin and demo.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/create-uncached-many2ones.jsonl');
const { engines } = recordedEngines();

describe('computes on create see a many2one given as no int as empty, as Odoo 18 did', () => {
  it('covers both databases, admin and demo, creates, writes and reads', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
    expect(new Set(cases.map((c) => recordedCall(c).database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6]));
    expect(new Set(cases.map((c) => recordedCall(c).method))).toEqual(new Set(['create', 'write', 'search_read', 'search_count']));
    expect(new Set(cases.map((c) => recordedCall(c).model))).toEqual(new Set(['product.category', 'res.partner']));
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
