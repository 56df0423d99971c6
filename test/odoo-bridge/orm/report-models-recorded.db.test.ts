import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * The `_table_query` report models (odoo-bridge/orm/table-query/) as a real Odoo 18 answered
 * them (fixtures/odoo-differential/report-models.jsonl, recorded by `scripts/differential-odoo.py
 * --calls fixtures/odoo-differential/report-models-calls.json --record …` on odoo_ref):
 * sale.report and account.invoice.report read by admin and by demo (a salesman whose record
 * rules keep his own and unassigned rows) through fields_get, search_count, search, search_read
 * (orders with a unique last key, limit, offset), read, read_group (lazy and not, date
 * granularities, orderby on aggregates and groupbys, limit/offset), web_read_group and
 * web_search_read; env.companies from `allowed_company_ids` (and an unauthorized company
 * refused); sale.report's datetime `_rec_name` shown in the context's timezone; the sum of the
 * bigint `nbr` answered as a float.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/report-models.jsonl');
const { engines } = recordedEngines();

describe('report models built on _table_query: Ficus answers as Odoo 18 did', () => {
  it('covers both report models, both users and every read method', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const calls = cases.map((c) => c.request.body.params.args as unknown[]);
    for (const model of ['sale.report', 'account.invoice.report']) {
      for (const uid of [2, 6]) {
        const methods = new Set(calls.filter((a) => a[3] === model && a[1] === uid).map((a) => a[4]));
        expect([...methods].sort()).toEqual(expect.arrayContaining(['fields_get', 'read', 'read_group', 'search', 'search_count', 'search_read', 'web_read_group']));
      }
    }
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
