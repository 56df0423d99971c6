import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Rules checked against answers recorded from a real Odoo 18
 * (fixtures/odoo-differential/order-params-calls.json → order-params.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/order-params-calls.json \
 *     --record fixtures/odoo-differential/order-params.jsonl
 * against a stock Odoo 18 serving fresh restores of odoo_ref and hp_legacy, /tmp/oracle/README.md):
 * - an ORDER BY on a field `_field_to_sql` cannot turn into SQL (non-stored, not related, no Python
 *   SQL) is a ValueError "Cannot convert <model>.<field> to SQL because it is not stored"; a dotted
 *   term is a many2one's `.id` (its raw value) or a properties key, anything else "Invalid field";
 * - read_group's `orderby` terms that are neither a groupby nor an aggregate asked for: `field:func`
 *   orders by that aggregate, anything else is "Order term '<term>' is not a valid aggregate nor
 *   valid groupby" (models.py `_read_group_orderby`);
 * - ir.config_parameter `get_param`/`set_param` (base/models/ir_config_parameter.py): the model's
 *   read right first (a member's AccessError), the value without record rules, an empty value as
 *   the default, set_param's write/unlink/create answering the previous value;
 * - ir.attachment `datas` (`_compute_datas`): base64 of the filestore file or db_datas, '' for a URL
 *   attachment, the human size with `bin_size` (it was left out of every answer).
 * The calls run in order on one copy of each database: set_param's changes are read back after.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/order-params.jsonl');

const { engines } = recordedEngines();

describe('order terms, read_group orderby, ir.config_parameter and attachment content recorded from a real Odoo 18', () => {
  it('holds refusals and results of both databases', () => {
    expect(cases.filter((c) => c.response.body.error).length).toBeGreaterThan(10);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThan(20);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThan(4);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
