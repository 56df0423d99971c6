import { describe, expect, it } from 'vitest';
import { deletePointer, firstDifference } from './stored-rows-oracle.ts';
import { engineAnswer, jsonLines, recordedEngines } from './support/recorded-calls.ts';

/**
 * Email notifications as Odoo 18 writes them (issue 17), replayed in order on fresh copies of
 * odoo_ref and hp_legacy through the full engine: each call's answer and every row it added to
 * the mail tables (mail_message, mail_mail with its rendered mail.mail_notification_layout body,
 * mail_notification, followers, recipients' link rows, tracking values) against what a real Odoo
 * 18 stored (fixtures/odoo-mail-notify/recorded.jsonl, recorded by scripts/record-mail-notify.py
 * from fixtures/odoo-mail-notify/calls.json on the m5 oracle pair; the volatile paths — clock
 * values, random Message-Ids and the outcome of Odoo's post-commit send — are listed per line
 * and explained in the script). Covered: message_post to employees, customers and portal users
 * (one mail per recipients group, the "View Contact" button for employees, the internal-note
 * banner), to followers by subtype, notify_author, authors with and without user or signature,
 * markup and long bodies, two-line subjects, replies, inbox users, the mail_notification_light
 * layout (with and without the document link, '/' in names); the assignment notification
 * of user_id on create, write, several records, oneself, an archived user, an inbox user,
 * mail_auto_subscribe_no_notify, and the held-out seq_users copy of a user.
 */
interface RecordedStep {
  id: string;
  title: string;
  db: 'odoo_ref' | 'hp_legacy';
  login: string;
  request: { model: string; method: string; args: unknown[]; kwargs: Record<string, unknown> };
  response: { result: unknown } | { error: { name: string; message: string } };
  rows: Record<string, Array<Record<string, unknown>>>;
  volatile: string[];
}

/** What Ficus refuses clearly where Odoo notifies, with why (its rows are then not compared). */
const RESIDUALS: Readonly<Record<string, string>> = {
  'mail-notify.odoo_ref.31': "sale.order: portal.mixin's customer group (access token, signup link) and sale's own rendering context",
};

/** Table → the column new rows are recognised by, as the recorder reads them. */
const TABLES: Readonly<Record<string, string>> = {
  mail_message: 'id', mail_mail: 'id', mail_notification: 'id', mail_followers: 'id', mail_tracking_value: 'id',
  mail_message_res_partner_rel: 'mail_message_id', mail_mail_res_partner_rel: 'mail_mail_id', mail_followers_mail_message_subtype_rel: 'mail_followers_id',
};

const steps = jsonLines<RecordedStep>('fixtures/odoo-mail-notify/recorded.jsonl');
const { engines, databases } = recordedEngines();

async function marks(db: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [table, column] of Object.entries(TABLES)) {
    out[table] = (await databases[db]!.pool.query<{ m: number }>(`SELECT COALESCE(MAX(${column}), 0)::int AS m FROM ${table}`)).rows[0]!.m;
  }
  return out;
}

async function newRows(db: string, since: Record<string, number>): Promise<Record<string, Array<Record<string, unknown>>>> {
  const rows: Record<string, Array<Record<string, unknown>>> = {};
  for (const [table, column] of Object.entries(TABLES)) {
    const order = column === 'id' ? 'id' : `${column}, 2`;
    const r = await databases[db]!.pool.query<{ j: Record<string, unknown> }>(`SELECT row_to_json(q) AS j FROM (SELECT * FROM ${table} WHERE ${column} > $1 ORDER BY ${order}) q`, [since[table]]);
    if (r.rows.length) rows[table] = r.rows.map((x) => x.j);
  }
  return rows;
}

/** After a refusal, the ids Odoo drew are drawn here too, so later steps' ids stay comparable. */
async function consumeRecordedIds(step: RecordedStep): Promise<void> {
  for (const [table, rows] of Object.entries(step.rows)) {
    const ids = rows.map((r) => r.id).filter((id): id is number => typeof id === 'number');
    if (!ids.length) continue;
    await databases[step.db]!.pool.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2::bigint)`, [table, Math.max(...ids)]);
  }
}

describe('email notifications recorded from Odoo 18', () => {
  it('holds at least 30 steps on both databases, most of them writing mail rows', () => {
    expect(steps.length).toBeGreaterThanOrEqual(30);
    expect(steps.filter((s) => s.db === 'hp_legacy').length).toBeGreaterThanOrEqual(3);
    expect(steps.filter((s) => s.rows.mail_mail?.length).length).toBeGreaterThanOrEqual(20);
  });

  // The steps build on each other: vitest runs them in file order.
  for (const step of steps) {
    it(`${step.id} ${step.title}`, async () => {
      const uid = (await databases[step.db]!.pool.query<{ id: number }>(`SELECT id FROM res_users WHERE login = $1`, [step.login])).rows[0]!.id;
      const since = await marks(step.db);
      const { model, method, args, kwargs } = step.request;
      const answer = await engineAnswer(engines[step.db]!, { database: step.db, uid, model, method, args, kwargs });
      const residual = RESIDUALS[step.id];
      if (residual) {
        expect(answer.message ?? '', residual).toMatch(/^Ficus cannot run/);
        await consumeRecordedIds(step);
        return;
      }
      const response = answer.error ? { error: { name: answer.error, message: answer.message } } : { result: answer.result };
      const expected = structuredClone({ response: step.response, rows: step.rows });
      const actual = structuredClone({ response, rows: await newRows(step.db, since) });
      for (const pointer of step.volatile) {
        deletePointer(expected, pointer);
        deletePointer(actual, pointer);
      }
      expect(firstDifference(expected, actual)).toBeNull();
    });
  }
});
