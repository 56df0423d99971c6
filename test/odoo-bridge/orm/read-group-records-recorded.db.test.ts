import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * read_group's groups as records and their domains, as a real Odoo 18 answered them
 * (fixtures/odoo-differential/read-group-records.jsonl, by `scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/read-group-records-calls.json --record …`, on both databases):
 * - grouping by `id` gives `(id, display_name)` groups, as a relational field does
 *   (models.py `_read_group_postprocess_groupby`);
 * - a non-stored related or `_inherits` many2many (res.users' category_id and channel_ids are its
 *   partner's) groups through the path (`_traverse_related_sql`) instead of being refused;
 * - the same groupby twice is one join, and its second `__domain` leaf holds the value the first
 *   pass formatted (`_read_group_format_result` rewrites the row in place);
 * - a float or monetary group's leaf is a Python float (405.0).
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/read-group-records.jsonl');
const { engines } = recordedEngines();

describe('read_group groups as records: Ficus answers as Odoo 18 did', () => {
  it('covers both databases, lazy and not', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
