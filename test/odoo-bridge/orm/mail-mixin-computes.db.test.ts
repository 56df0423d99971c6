import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { tzOffset } from '../../../odoo-bridge/orm/read/tz-offset.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * The computes of mail.thread, mail.activity.mixin, mail.thread.blacklist/phone and res.partner's
 * small ones, on rows planted here with the values Odoo 18's Python gives them (mail_thread.py,
 * mail_activity_mixin.py, res_partner.py): who reads matters where Python uses env.user.
 */
const ADMIN = 2;
const DEMO = 6;
let db: TestDatabase;
let engine: OrmEngine;
let partner: number;
const read = async (uid: number, model: string, id: number, fields: string[]) =>
  ((await engine.call({ database: 'odoo_ref', uid, model, method: 'read', args: [[id], fields], kwargs: {} })) as Record<string, unknown>[])[0]!;
const q = (text: string, params: unknown[] = []) => db.pool.query(text, params);
const partnerOf = async (uid: number) => Number((await q(`SELECT partner_id FROM res_users WHERE id = $1`, [uid])).rows[0].partner_id);
const activityType = async (decoration: string | null, icon: string) =>
  Number((await q(`INSERT INTO mail_activity_type (name, decoration_type, icon, delay_count, delay_unit, delay_from, chaining_type, active, category) VALUES ('{"en_US": "T"}', $1, $2, 0, 'days', 'previous_activity', 'suggest', true, 'default') RETURNING id`, [decoration, icon])).rows[0].id);
const activity = async (typeId: number, userId: number, daysFromToday: number, tz: string | null = null) =>
  q(`INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline, user_tz, active, summary, automated)
     VALUES ((SELECT id FROM ir_model WHERE model = 'res.partner'), 'res.partner', $1, $2, $3, (now() AT TIME ZONE coalesce($5, 'utc'))::date + $4::int, $5, true, 'planted', false)`,
    [partner, typeId, userId, daysFromToday, tz]);

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, filestore: testFilestores().odooRef });
  partner = (await engine.call({ database: 'odoo_ref', uid: ADMIN, model: 'res.partner', method: 'create', args: [{ name: 'Mixin Probe', email: 'Probe <PROBE@Example.com>', vat: 'BE0477472701', tz: 'Asia/Shanghai' }], kwargs: {} })) as number;
});
afterAll(async () => db?.drop());

describe('mail.activity.mixin computes', () => {
  it('no activity: everything False', async () => {
    expect(await read(ADMIN, 'res.partner', partner, ['activity_state', 'activity_user_id', 'activity_date_deadline', 'activity_exception_decoration'])).toEqual({
      id: partner, activity_state: false, activity_user_id: false, activity_date_deadline: false, activity_exception_decoration: false,
    });
  });

  it('state is the most urgent, the first activity (by deadline) gives user and deadline, my deadline is the reader\'s, danger beats warning', async () => {
    const warning = await activityType('warning', 'fa-warning');
    const danger = await activityType('danger', 'fa-bomb');
    const plain = await activityType(null, 'fa-tasks');
    await activity(plain, DEMO, 3);
    let row = await read(ADMIN, 'res.partner', partner, ['activity_state', 'activity_exception_decoration', 'activity_exception_icon']);
    expect([row.activity_state, row.activity_exception_decoration, row.activity_exception_icon]).toEqual(['planned', false, false]);
    await activity(warning, ADMIN, 0, 'Pacific/Kiritimati');
    row = await read(ADMIN, 'res.partner', partner, ['activity_state', 'activity_exception_decoration', 'activity_exception_icon']);
    expect([row.activity_state, row.activity_exception_decoration, row.activity_exception_icon]).toEqual(['today', 'warning', 'fa-warning']);
    await activity(danger, DEMO, -2);
    row = await read(ADMIN, 'res.partner', partner, ['activity_state', 'activity_user_id', 'activity_date_deadline', 'my_activity_date_deadline', 'activity_exception_decoration', 'activity_exception_icon']);
    const deadline = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    expect(row.activity_state).toBe('overdue');
    expect((row.activity_user_id as [number, string])[0]).toBe(DEMO);
    expect(row.activity_date_deadline).toBe(deadline(-2));
    expect([row.activity_exception_decoration, row.activity_exception_icon]).toEqual(['danger', 'fa-bomb']);
    // The reader's own first activity: admin's is the "today" one (in Kiritimati's today).
    const adminToday = (await q(`SELECT to_char(date_deadline, 'YYYY-MM-DD') AS d FROM mail_activity WHERE res_id = $1 AND res_model = 'res.partner' AND user_id = $2`, [partner, ADMIN])).rows[0].d;
    expect(row.my_activity_date_deadline).toBe(adminToday);
  });
});

describe('mail.thread computes, for the reading user', () => {
  it('follower, followers\' partners, messages, needaction and errors', async () => {
    const demoPartner = await partnerOf(DEMO);
    await q(`DELETE FROM mail_followers WHERE res_model = 'res.partner' AND res_id = $1`, [partner]);
    await q(`INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES ('res.partner', $1, $2)`, [partner, demoPartner]);
    const message = Number((await q(`INSERT INTO mail_message (model, res_id, message_type, body, author_id, date) VALUES ('res.partner', $1, 'comment', '<p>x</p>', $2, now()) RETURNING id`, [partner, await partnerOf(ADMIN)])).rows[0].id);
    await q(`INSERT INTO mail_notification (mail_message_id, res_partner_id, notification_type, notification_status, is_read, author_id) VALUES ($1, $2, 'inbox', 'sent', false, $3), ($1, $4, 'email', 'exception', true, $3)`,
      [message, demoPartner, await partnerOf(ADMIN), await partnerOf(ADMIN)]);
    const fields = ['message_is_follower', 'message_partner_ids', 'has_message', 'message_needaction', 'message_needaction_counter', 'message_has_error', 'message_has_error_counter', 'message_attachment_count'];
    expect(await read(DEMO, 'res.partner', partner, fields)).toEqual({
      id: partner, message_is_follower: true, message_partner_ids: [demoPartner], has_message: true,
      message_needaction: true, message_needaction_counter: 1, message_has_error: false, message_has_error_counter: 0, message_attachment_count: 0,
    });
    expect(await read(ADMIN, 'res.partner', partner, fields)).toMatchObject({ message_is_follower: false, message_needaction: false, message_needaction_counter: 0, message_has_error: true, message_has_error_counter: 1 });
  });

  it('the blacklists follow the normalized email and the sanitized phone', async () => {
    expect((await read(ADMIN, 'res.partner', partner, ['is_blacklisted'])).is_blacklisted).toBe(false);
    await q(`INSERT INTO mail_blacklist (email, active) VALUES ('probe@example.com', true)`);
    expect((await read(ADMIN, 'res.partner', partner, ['is_blacklisted'])).is_blacklisted).toBe(true);
  });
});

describe("res.partner's small computes", () => {
  it('email_formatted, self, is_public, active_lang_count, tz_offset', async () => {
    const row = await read(ADMIN, 'res.partner', partner, ['email_formatted', 'self', 'is_public', 'active_lang_count', 'tz_offset']);
    const languages = Number((await q(`SELECT count(*) AS n FROM res_lang WHERE active`)).rows[0].n);
    expect(row).toEqual({ id: partner, email_formatted: '"Mixin Probe" <probe@example.com>', self: [partner, 'Mixin Probe'], is_public: false, active_lang_count: languages, tz_offset: '+0800' });
    const publicPartner = Number((await q(`SELECT u.partner_id FROM res_users u JOIN ir_model_data d ON d.model = 'res.users' AND d.name = 'public_user' AND d.res_id = u.id`)).rows[0].partner_id);
    expect((await read(ADMIN, 'res.partner', publicPartner, ['is_public'])).is_public).toBe(true);
    expect([tzOffset(null), tzOffset('America/St_Johns', new Date('2026-01-15T12:00:00Z')), tzOffset('Asia/Kolkata')]).toEqual(['+0000', '-0330', '+0530']);
  });

  it('same_vat_partner_id: another partner with the VAT, outside the family; none for a contact or a one-character VAT', async () => {
    const twin = (await engine.call({ database: 'odoo_ref', uid: ADMIN, model: 'res.partner', method: 'create', args: [{ name: 'Twin Co', vat: 'BE0477472701' }], kwargs: {} })) as number;
    const child = (await engine.call({ database: 'odoo_ref', uid: ADMIN, model: 'res.partner', method: 'create', args: [{ name: 'Probe Child', parent_id: partner, vat: 'BE0477472701' }], kwargs: {} })) as number;
    expect((await read(ADMIN, 'res.partner', partner, ['same_vat_partner_id'])).same_vat_partner_id).toEqual([twin, 'Twin Co']);
    expect((await read(ADMIN, 'res.partner', child, ['same_vat_partner_id'])).same_vat_partner_id).toBe(false);
    await q(`UPDATE res_partner SET vat = 'X' WHERE id = $1`, [twin]);
    await q(`UPDATE res_partner SET vat = 'X' WHERE id = $1`, [partner]);
    expect((await read(ADMIN, 'res.partner', partner, ['same_vat_partner_id'])).same_vat_partner_id).toBe(false);
  });
});
