import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Read semantics recorded from a real Odoo 18 (issue 17, helper n4):
 * fixtures/odoo-differential/read-semantics-n4-calls.json → read-semantics-n4.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/read-semantics-n4-calls.json \
 *     --record fixtures/odoo-differential/read-semantics-n4.jsonl
 * on the n4 oracle pair (/tmp/oracle/README.md), as admin/demo/portal (odoo_ref) and
 * admin/member/coach (hp_legacy):
 * - `read` keeps an id without row when no named field reads its row (x2many, related through an
 *   x2many, dependency-free computes), drops it otherwise (read/kept-missing-records.ts);
 * - `web_read` raises MissingError for a many2one with sub-fields on a recordset holding a missing id
 *   (methods/web-read-missing.ts);
 * - res.users' reified group fields in web_read/web_search_read and write (user-reified-groups.ts,
 *   write/core/res-users-reified-vals.ts);
 * - res.partner.bank's acc_number searched as sanitized_acc_number (domain/condition-overrides.ts).
 * Writes come last (each case runs in order on the same copies, as recorded).
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/read-semantics-n4.jsonl');

/** A result with every `groups_id` list sorted (see the replay below). */
function groupsAsSets(result: unknown): unknown {
  if (Array.isArray(result)) return result.map(groupsAsSets);
  if (!result || typeof result !== 'object') return result;
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, key === 'groups_id' && Array.isArray(value) ? [...value].sort((a, b) => Number(a) - Number(b)) : groupsAsSets(value)]));
}

const { engines } = recordedEngines();

describe('read semantics recorded from a real Odoo 18 (missing ids, web_read, reified groups, _condition_to_sql)', () => {
  it('holds kept missing ids, MissingErrors and both databases', () => {
    expect(cases.filter((c) => JSON.stringify(c.response.body.result ?? null).includes('"id":999999')).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.response.body.error?.data.name === 'odoo.exceptions.MissingError').length).toBeGreaterThan(5);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThan(50);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      // res.users groups_id comes in res.groups' `_order` (name): groups of the same name tie, and
      // PostgreSQL orders ties by its plan, which differs between the oracle's server and this one.
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { normalize: groupsAsSets });
      expect(actual).toEqual(expected);
    });
  }
});
