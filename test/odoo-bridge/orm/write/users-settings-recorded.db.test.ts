import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from '../support/recorded-calls.ts';

/**
 * Siblings of golden seq_users and seq_settings as a real Odoo 18 answered them
 * (fixtures/odoo-users-settings/siblings-recorded.jsonl, recorded in this order on a fresh odoo_ref by
 *   scripts/differential-odoo.py --db odoo_ref --calls fixtures/odoo-users-settings/siblings-calls.json \
 *     --record fixtures/odoo-users-settings/siblings-recorded.jsonl):
 * - ir.default.set for selection (static and dynamic), integer (bounds, numeric strings), float,
 *   boolean, many2one per company, many2many commands, non-ASCII char and date values, unknown
 *   fields and models, user-scoped and conditional rows, an unchanged value, discard_values and
 *   discard_records over RPC, the demo user's personal default and its refused global one, the
 *   portal user without access, the JSON check; default_get and create taking the rows of the
 *   caller's scope;
 * - res.users create with and without an email (auth_signup's invitation, undeliverable without a
 *   mail server: its ids spent, no mail queued, signup_type cancelled), an archived user with an
 *   email, a language that is not active, no_reset_password, copy with an email;
 *   action_reset_password as a reset, as a signup (create_user 1), on archived, missing and
 *   email-less users, in install_mode; the read and field rights (portal, demo) it meets first;
 * - signup without a token (b2c: a portal user copied from the template, no login, no name, a
 *   duplicate login as psycopg2 words it, a malformed token, values not a dict) and mail's portal
 *   access notes on create and on a groups write entering or leaving the portal group;
 * - company-dependent fields falling back to the ir.default of the company, or the global one, at
 *   once after set (read, search, read_group), and no more after set None or discard_values.
 * The calls run in the recorded order on one fresh copy (later calls read what earlier ones wrote).
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-users-settings/siblings-recorded.jsonl');
const { engines } = recordedEngines();

describe('res.users invitations and ir.default: Ficus answers as Odoo 18 did', () => {
  it('has errors and results over ir.default, res.users and res.partner', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.response.body.error).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => recordedCall(c).model))).toEqual(new Set(['ir.default', 'res.partner', 'res.users', 'mail.mail', 'mail.message']));
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
