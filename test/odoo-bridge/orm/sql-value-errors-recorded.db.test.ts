import { describe, expect, it } from 'vitest';
import { type RecordedCase, itAnswersEachCaseAsRecorded, jsonLines, recordedEngines } from './support/recorded-calls.ts';

/**
 * Values PostgreSQL refuses in the statement Odoo 18 sends, answered as Odoo's psycopg2 error:
 * the class of the SQLSTATE and the whole text, with libpq's `LINE 1:` excerpt of Odoo's
 * statement rebuilt for the call (odoo-bridge/orm/sql-text/). Recorded from a real Odoo 18:
 *   scripts/sql-value-errors/make-calls.py, then
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/sql-value-errors-calls.json \
 *     --record fixtures/odoo-differential/sql-value-errors.jsonl
 * against fresh restores of odoo_ref and hp_legacy (/tmp/oracle/README.md). The calls: an id
 * beyond int4 or not a number in a domain (every comparison operator, `!`, `|`, the active leaf
 * or not, other leaves before it, users with and without record rules, search, search_count,
 * search_read, search_fetch, read_group, web_read_group, web_search_read), limit/offset strings
 * (OFFSET read first) and negative ones (no excerpt: the executor refuses them), orders of every
 * kind before the LIMIT (translated, many2one through its comodel's order, boolean, NULLS; and
 * read_group's/web_read_group's by their groupby or an orderby of groupby fields), and
 * the values Odoo's SQL takes as they are (an id beyond int4 in `in`, an integer or many2one
 * compared with one, `read` of such an id): no error.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/sql-value-errors.jsonl');

/** Recorded answers Ficus does not give yet, and why. */
// recorded/068 (search_count with a limit after res.partner's multi-company rule) passes since the
// rule's `company_id parent_of` leaf is written as Odoo's subquery (sql-text/search-values.ts).
const KNOWN_DIFFERENCES: Record<string, string> = {};

const { engines } = recordedEngines();

describe("values PostgreSQL refuses in Odoo's statement, recorded from a real Odoo 18", () => {
  it('holds refusals with excerpts, without, and calls that succeed, on both databases', () => {
    const errors = cases.filter((c) => c.response.body.error);
    expect(cases.length).toBeGreaterThanOrEqual(90);
    expect(errors.filter((c) => String(c.response.body.error?.data.message).includes('\nLINE 1: ')).length).toBeGreaterThanOrEqual(60);
    expect(errors.filter((c) => !String(c.response.body.error?.data.message).includes('\nLINE 1: ')).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThanOrEqual(8);
  });

  itAnswersEachCaseAsRecorded(engines, cases, { known: KNOWN_DIFFERENCES });
});
