import { describe, expect, it } from 'vitest';
import { type RecordedCase, itAnswersEachCaseAsRecorded, jsonLines, recordedCall, recordedEngines, withTimestampsMasked } from './support/recorded-calls.ts';

/**
 * How create and write take their values, and the read rules found beside them, as a real Odoo 18
 * answered (fixtures/odoo-differential/write-value-rules.jsonl, recorded in this order on fresh
 * odoo_ref and hp_legacy copies by `scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/write-value-rules-calls.json --record …`):
 * - a many2one written as anything but an int is NULL (the cache format); created, it is handed to
 *   PostgreSQL ('3' and 3.7 stored, True / [4, 'x'] / 'abc' refused with PostgreSQL's texts, 0 NULL);
 * - a create's Python conversion errors come by field name before PostgreSQL's; dates go to
 *   PostgreSQL as text, then through Python's strptime (before the INSERT on models with
 *   precompute fields); a write's dates through strptime first;
 * - company-dependent many2ones: stored as given, a written False stays False, a deleted target
 *   reads False; properties containers checked on create; Monetary rounded to the currency;
 *   l10n_us ABA routing; a nameless partner displays '';
 * - reads: related fields as superuser, a many2many needs the comodel's right only to filter a
 *   non-empty value on `active`, computes that read other models as the reader.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/write-value-rules.jsonl');
const { engines } = recordedEngines();

describe('write values and the reads beside them: Ficus answers as Odoo 18 did', () => {
  it('covers creates, writes and reads on both databases, as admin, demo and portal', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(new Set(cases.map((c) => recordedCall(c).database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(new Set(cases.map((c) => recordedCall(c).method))).toEqual(new Set(['create', 'write', 'read', 'search_read', 'web_read']));
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6, 7]));
  });

  // PostgreSQL's refusal of an INSERT value comes with the `LINE 1:` excerpt of Odoo's INSERT
  // (insert-refusals.ts), which may show the create_date/write_date of the call: masked.
  itAnswersEachCaseAsRecorded(engines, cases, { mask: withTimestampsMasked });
});
