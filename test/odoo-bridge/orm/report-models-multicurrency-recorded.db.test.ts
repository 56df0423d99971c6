import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * sale.report and account.invoice.report over companies in two currencies (orm/table-query/
 * currency-table.ts), recorded from a real Odoo 18 after the statements of
 * fixtures/odoo-differential/report-models-multicurrency.sql (a EUR company beside the USD one,
 * orders and invoices moved to it, rates for each root company, one not yet in force), applied
 * here to the test copy first: env.companies from the user's companies, `allowed_company_ids`
 * [1, 2], [2, 1] (env.company in EUR: the USD company's amounts converted the other way) and
 * [2] (one currency again: rate 1), as admin and demo (report-models-multicurrency-calls.json →
 * .jsonl by scripts/differential-odoo.py --calls … --record …).
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/report-models-multicurrency.jsonl');
const { engines, databases } = recordedEngines();

beforeAll(async () => {
  await databases.odoo_ref!.pool.query(readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-differential/report-models-multicurrency.sql'), 'utf8'));
}, 120_000);

describe('report models over two currencies: Ficus answers as Odoo 18 did', () => {
  it('holds converted amounts both ways, for both users', () => {
    expect(cases.length).toBe(32);
    expect(new Set(cases.map(recordedCall).map((c) => c.uid))).toEqual(new Set([2, 6]));
    const text = JSON.stringify(cases.map((c) => c.response.body));
    // USD company amounts in EUR terms (1 / 0.8) and EUR order lines in USD terms (1 / 1.1).
    expect(text).toContain('"price_total":28766.875');
    expect(text).toContain('"price_total":200.9090909090909');
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
