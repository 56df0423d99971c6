import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Access rules of searches and exports recorded from a real Odoo 18
 * (fixtures/odoo-differential/access-paths-calls.json → access-paths.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/access-paths-calls.json \
 *     --record fixtures/odoo-differential/access-paths.jsonl
 * against a stock Odoo 18 serving fresh restores of odoo_ref and hp_legacy, /tmp/oracle/README.md),
 * as internal, portal, member, coach and operator users:
 * - every `comodel._search` a domain path runs (expression.py: many2one, one2many and many2many
 *   paths, `any`, names given to an x2many) starts with the comodel's `check_access('read')`: a
 *   path through a model the user may not read is AccessError, not an empty match;
 * - `export_data` reads each exported field through `_fetch_field`, which checks the user may read
 *   it (`groups=`), on the related records' fields too;
 * - `res.users.has_group`/`has_groups` on a user record (base/models/res_users.py): one record,
 *   another user's groups only for internal users, the MissingError of a user that does not exist,
 *   `base.group_no_one` only in debug, `has_groups`' negations and '.'.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/access-paths.jsonl');

const { engines } = recordedEngines();

describe('access checks of domain paths, exports and has_group recorded from a real Odoo 18', () => {
  it('holds refusals and results of both databases and several users', () => {
    expect(cases.filter((c) => c.response.body.error?.data.name === 'odoo.exceptions.AccessError').length).toBeGreaterThan(10);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThan(30);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThan(40);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
