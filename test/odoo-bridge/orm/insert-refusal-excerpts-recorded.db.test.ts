import { describe, expect, it } from 'vitest';
import { type RecordedCase, itAnswersEachCaseAsRecorded, jsonLines, recordedCall, recordedEngines, withTimestampsMasked } from './support/recorded-calls.ts';

/**
 * A create value PostgreSQL refuses, answered with libpq's `LINE 1:` excerpt of the INSERT Odoo 18
 * writes for the batch (write/insert-refusals.ts, sql-text/insert-text.ts): sorted columns, every
 * record's row with DEFAULT where it lacks a column, values as psycopg2 adapts them (translated
 * JSON in ASCII, quotes doubled, lists as ARRAY[…]), the refused literal or list element located,
 * DatatypeMismatch with its hint, a number cast out of range without excerpt, a date refused when
 * the INSERT runs. Recorded on fresh odoo_ref and hp_legacy copies by `scripts/differential-odoo.py
 * --calls fixtures/odoo-differential/insert-refusal-excerpts-calls.json --record …`, as admin, demo
 * and an hp member.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/insert-refusal-excerpts.jsonl');
const { engines } = recordedEngines();

describe("values PostgreSQL refuses in Odoo's INSERT: the excerpt of Odoo's statement", () => {
  it('covers both databases, admin and plain users, excerpts and their absence', () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
    expect(new Set(cases.map((c) => recordedCall(c).database))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6]));
    const messages = cases.map((c) => String(c.response.body.error?.data.message ?? ''));
    expect(messages.filter((m) => m.includes('\nLINE 1: ')).length).toBeGreaterThanOrEqual(11);
    expect(messages).toContain('integer out of range\n');
  });

  itAnswersEachCaseAsRecorded(engines, cases, { mask: withTimestampsMasked });
});
