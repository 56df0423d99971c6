import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * mail.thread's chatter methods over RPC as a real Odoo 18 answered them, in order, each call
 * seeing what the earlier ones wrote (fixtures/odoo-mail-thread/: `calls.json` lists the calls,
 * `recorded.jsonl` holds Odoo's answers, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-mail-thread/calls.json \
 *     --record fixtures/odoo-mail-thread/recorded.jsonl
 * against the f2 oracle pair, fresh copies of odoo_ref and hp_legacy):
 * message_post by admin, an employee, a portal user, hp_legacy members and a coach (escaping,
 * markup by body_is_html, subjects, subtypes, flat threads and parents, partner_ids, an inbox
 * notification, attachments of the document, mail_post_autofollow, the argument errors and the
 * create access check that uses up the message's id); message_subscribe/unsubscribe by the same
 * users (oneself needs read, others write; subtypes replaced; archived partners dropped;
 * followers created in Python's set order), the follower fields and message_get_followers' store read back; mail.message and
 * mail.activity searches, read_group and reads by id by users who are not admin (their own
 * `_search`/`_check_access`: the documents' access, authorship, notifications, internal notes).
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-mail-thread/recorded.jsonl');
const { engines } = recordedEngines();

describe('mail.thread chatter methods recorded from Odoo 18', () => {
  it('holds at least 40 calls on both databases by several users', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.id.startsWith('hp_legacy:')).length).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => `${recordedCall(c).database}/${recordedCall(c).uid}`)).size).toBeGreaterThanOrEqual(6);
  });

  // The calls build on each other: vitest runs them in file order.
  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
