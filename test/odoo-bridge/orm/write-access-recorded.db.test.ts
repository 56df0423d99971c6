import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Writes by users who should not make them, recorded from a real Odoo 18
 * (fixtures/odoo-differential/write-access-calls.json → write-access.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/write-access-calls.json \
 *     --record fixtures/odoo-differential/write-access.jsonl
 * against a stock Odoo 18 serving fresh restores of odoo_ref and hp_legacy, /tmp/oracle/README.md),
 * as demo (internal), portal, member, coach and merchant: privilege escalation through one's own
 * user (groups, share, login, company_ids, partner_id, hp_user_type), other users' records, access
 * tables, ir.config_parameter, other members' health records, payments and orders. Rules it holds:
 * - Partner.write: a contact of another active internal user is written only by who may write
 *   res.users (`check_access('write')` after super: demo renamed the administrator's contact);
 * - archiving a contact of an active user is refused (RedirectWarning / ValidationError);
 * - mail.thread's `_track_prepare` reads the records as the caller before the write right is
 *   checked: read right, MissingError, then the read rules' AccessError.
 * The calls run in order on one copy of each database; refused writes leave nothing behind, and
 * what a user may write of their own is read back after. Three of the calls' recorded answers are
 * left out (portal writing the administrator's contact): Odoo answers them with the read rules'
 * AccessError on a fresh server, as Ficus does, but with the write right's after demo's calls in
 * the same worker — its answer depends on what the worker cached, so no fixed answer is right.
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/write-access.jsonl');

const { engines } = recordedEngines();

describe('writes beyond a user\'s rights recorded from a real Odoo 18', () => {
  it('holds refusals of several kinds and accepted writes of both databases', () => {
    const errors = new Set(cases.map((c) => c.response.body.error?.data.name).filter(Boolean));
    expect([...errors].sort()).toEqual(expect.arrayContaining(['odoo.exceptions.AccessError', 'odoo.exceptions.MissingError', 'odoo.exceptions.ValidationError']));
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThan(30);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { firstLine: true });
      expect(actual).toEqual(expected);
    });
  }
});
