import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineAnswer, recordedEngines } from '../support/recorded-calls.ts';

/**
 * What res.company.create and write store, row by row, against what a real Odoo 18 stored for the
 * same calls on fresh copies of odoo_ref (account, product, resource, partner_autocomplete, mail
 * installed: partner, default logo and its resized copies, logo_web, batch payment sequence,
 * calendar and attendances, default pricelists, EUR activated with the multi-currency and pricelist
 * groups, the creator's companies and multi-company group, the IAP account, chatter and tracking;
 * a branch with its root's currency) and hp_legacy (fewer modules: no calendar, no sequence).
 * Recorded by scripts/record-company-create-rows.py; the same SQL runs on both sides.
 */
interface Fixture {
  queries: Record<string, string>;
  databases: Record<'odoo_ref' | 'hp_legacy', { calls: Array<{ model: string; method: string; args: unknown[]; result: unknown }>; rows: Record<string, unknown[]> }>;
}

const fixture = JSON.parse(readFileSync(new URL('../../../../fixtures/odoo-company-create/recorded-rows.json', import.meta.url), 'utf8')) as Fixture;
const { engines, databases } = recordedEngines();

describe('res.company create/write store the rows Odoo 18 stores', () => {
  for (const db of ['odoo_ref', 'hp_legacy'] as const) {
    it(`${db}: same answers, then the same rows in every recorded table`, async () => {
      const recorded = fixture.databases[db];
      for (const call of recorded.calls) {
        const answer = await engineAnswer(engines[db]!, { database: db, uid: 2, model: call.model, method: call.method, args: call.args });
        expect(answer, `${call.model}.${call.method}`).toEqual({ result: call.result });
      }
      for (const [name, rows] of Object.entries(recorded.rows)) {
        const mine = await databases[db]!.pool.query<{ rows: unknown[] }>(`SELECT coalesce(json_agg(q), '[]') AS rows FROM (${fixture.queries[name]}) q`);
        expect(mine.rows[0]!.rows, name).toEqual(rows);
      }
    });
  }
});
