import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { emailNormalize } from '../../../../odoo-bridge/orm/write/mail/email-address.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { formataddr, partnerEmailFormatted } from '../../../../odoo-bridge/orm/write/mail/mail-format.ts';
import { odooRefDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * The write-side rules taken from Odoo 18's Python, for every model (not per case): Python
 * defaults (literal and environment ones), mixin stored computes, `_parent_store` recursion,
 * MissingError on deleted ids only when something reads them, and mail.thread's chatter with
 * its context switches. The row-by-row comparison with real Odoo is stored-rows.test.ts.
 */
const ADMIN = 2;
const DEMO = 6;

let db: TestDatabase;
let engine: OrmEngine;
const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'odoo_ref', uid, model, method, args, kwargs });
const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};
const row = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows;

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool } });
});
afterAll(async () => {
  await db?.drop();
});

describe('Python defaults of the installed modules', () => {
  it('create stores every literal default of every module (base, account, sale, mail)', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Defaults Person' }])) as number;
    const [p] = await row(`SELECT customer_rank, supplier_rank, message_bounce, invoice_warn, sale_warn, autopost_bills, type, color, is_company, lang FROM res_partner WHERE id = $1`, [id]);
    expect(p).toEqual({ customer_rank: 0, supplier_rank: 0, message_bounce: 0, invoice_warn: 'no-message', sale_warn: 'no-message', autopost_bills: 'ask', type: 'contact', color: 0, is_company: false, lang: 'en_US' });
  });

  it('a value given, an ir_default or a context default wins over the Python default', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Ranked', customer_rank: 3 }], { context: { default_sale_warn: 'warning', default_sale_warn_msg: 'careful' } })) as number;
    const [p] = await row(`SELECT customer_rank, sale_warn FROM res_partner WHERE id = $1`, [id]);
    expect(p).toEqual({ customer_rank: 3, sale_warn: 'warning' });
  });

  it('default_get answers literal and environment defaults of the fields asked for', async () => {
    const result = (await call(ADMIN, 'sale.order', 'default_get', [['state', 'company_id', 'locked', 'note_unknown_to_odoo', 'client_order_ref']])) as Record<string, unknown>;
    expect(result).toEqual({ state: 'draft', company_id: 1, locked: false });
    const partner = (await call(ADMIN, 'res.partner', 'default_get', [['customer_rank', 'invoice_warn', 'type', 'active']])) as Record<string, unknown>;
    expect(partner).toEqual({ customer_rank: 0, invoice_warn: 'no-message', type: 'contact', active: true });
  });
});

describe('stored computes of mixins', () => {
  it('phone_sanitized is the first of mobile, phone, unchanged (Odoo without the phonenumbers library)', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Phones', phone: '+86 10 1234 5678' }])) as number;
    expect((await row(`SELECT phone_sanitized FROM res_partner WHERE id = $1`, [id]))[0]).toEqual({ phone_sanitized: '+86 10 1234 5678' });
    await call(ADMIN, 'res.partner', 'write', [[id], { mobile: '+86 138 0000 0002' }]);
    expect((await row(`SELECT phone_sanitized FROM res_partner WHERE id = $1`, [id]))[0]).toEqual({ phone_sanitized: '+86 138 0000 0002' });
    await call(ADMIN, 'res.partner', 'write', [[id], { mobile: false, phone: false }]);
    expect((await row(`SELECT phone_sanitized FROM res_partner WHERE id = $1`, [id]))[0]).toEqual({ phone_sanitized: null });
  });

  it('email_normalized is tools.email_normalize(email, strict=False)', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Mails', email: '"Ann" <Ann.Lee@Example.COM>, other@example.com' }])) as number;
    expect((await row(`SELECT email_normalized FROM res_partner WHERE id = $1`, [id]))[0]).toEqual({ email_normalized: 'ann.lee@example.com' });
  });

  it('email_normalize keeps non-ASCII local parts, lowers ASCII ones and every domain (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9._%+-]{1,12}$/), fc.stringMatching(/^[a-zA-Z0-9-]{1,10}\.[a-zA-Z]{2,4}$/), (local, domain) => {
        expect(emailNormalize(`Name <${local}@${domain}>`)).toBe(`${local.toLowerCase()}@${domain.toLowerCase()}`);
        expect(emailNormalize(`${local}@${domain}`)).toBe(`${local.toLowerCase()}@${domain.toLowerCase()}`);
      }),
    );
    expect(emailNormalize('Ünïcode@Example.com')).toBe('Ünïcode@example.com');
    expect(emailNormalize('no address here')).toBe(false);
  });

  it('formataddr and email_formatted quote and escape as odoo/tools/mail.py', () => {
    expect(formataddr('Mitchell Admin', 'admin@yourcompany.example.com')).toBe('"Mitchell Admin" <admin@yourcompany.example.com>');
    expect(formataddr('A "quoted" \\ name', 'a@b.c')).toBe('"A \\"quoted\\" \\\\ name" <a@b.c>');
    // charset='utf-8' (every mail/base caller): a non-ASCII name and domain stay; 'ascii' (sending) encodes them.
    expect(formataddr('Zoë', 'z@b.c')).toBe('"Zoë" <z@b.c>');
    expect(formataddr('周俊杰', 'merchant001@hp.example')).toBe('"周俊杰" <merchant001@hp.example>');
    expect(formataddr('Zoë', 'z@bü.c', 'ascii')).toBe(`=?utf-8?b?${Buffer.from('Zoë').toString('base64')}?= <z@xn--b-eha.c>`);
    expect(partnerEmailFormatted(null, 'X@Y.com')).toBe('"False" <x@y.com>');
    expect(partnerEmailFormatted('N', null)).toBe(false);
  });
});

describe('_parent_store hierarchies', () => {
  it('refuse recursion from either side with "Recursion Detected." and change nothing', async () => {
    const parent = (await call(ADMIN, 'res.partner.category', 'create', [{ name: 'Root tag' }])) as number;
    const child = (await call(ADMIN, 'res.partner.category', 'create', [{ name: 'Child tag', parent_id: parent }])) as number;
    const grandchild = (await call(ADMIN, 'res.partner.category', 'create', [{ name: 'Grandchild tag', parent_id: child }])) as number;
    const before = await row(`SELECT id, parent_id, parent_path FROM res_partner_category WHERE id = ANY($1::int4[]) ORDER BY id`, [[parent, child, grandchild]]);
    for (const attempt of [
      () => call(ADMIN, 'res.partner.category', 'write', [[parent], { parent_id: grandchild }]),
      () => call(ADMIN, 'res.partner.category', 'write', [[parent], { parent_id: parent }]),
      () => call(ADMIN, 'res.partner.category', 'write', [[grandchild], { child_ids: [[4, parent]] }]),
      // product.category's complete_name compute is not Ficus's: the cycle is still Odoo's error, not a refusal.
      () => call(ADMIN, 'product.category', 'write', [[1], { parent_id: 1 }]),
    ]) {
      expect(await errorOf(attempt())).toEqual({ name: 'odoo.exceptions.UserError', message: 'Recursion Detected.' });
    }
    expect(await row(`SELECT id, parent_id, parent_path FROM res_partner_category WHERE id = ANY($1::int4[]) ORDER BY id`, [[parent, child, grandchild]])).toEqual(before);
    // A legal move still rewrites the subtree's paths.
    await call(ADMIN, 'res.partner.category', 'write', [[grandchild], { parent_id: parent }]);
    expect((await row(`SELECT parent_path FROM res_partner_category WHERE id = $1`, [grandchild]))[0]).toEqual({ parent_path: `${parent}/${grandchild}/` });
  });
});

describe('deleted ids on write and unlink', () => {
  it('MissingError where Odoo reads the records first, True where it does not', async () => {
    // res.partner: write tracks fields (mail.thread reads them); unlink checks the multi-company rule (reads it).
    expect((await errorOf(call(ADMIN, 'res.partner', 'write', [[999999], { name: 'x' }]))).name).toBe('odoo.exceptions.MissingError');
    expect((await errorOf(call(ADMIN, 'res.partner', 'unlink', [[999999]]))).name).toBe('odoo.exceptions.MissingError');
    // The same write without tracking reads nothing on res.partner's side but its own write override.
    expect((await errorOf(call(ADMIN, 'res.partner', 'write', [[999999], { name: 'x' }], { context: { tracking_disable: true } }))).name).toBe('odoo.exceptions.MissingError');
    // res.partner.category: no rule, no override reading the records: a no-op that answers True.
    expect(await call(ADMIN, 'res.partner.category', 'write', [[999999], { name: 'x' }])).toBe(true);
    expect(await call(ADMIN, 'res.partner.category', 'unlink', [[999999]])).toBe(true);
    // uom.uom reads its records in write and unlink (the reference-unit checks).
    expect((await errorOf(call(ADMIN, 'uom.uom', 'write', [[999999], { name: 'x' }]))).name).toBe('odoo.exceptions.MissingError');
  });
});

describe('mail.thread chatter of native writes', () => {
  it('demo creating a contact follows it and logs "Contact created" as its own partner', async () => {
    const id = (await call(DEMO, 'res.partner', 'create', [{ name: 'Chatter Contact' }])) as number;
    const [demoPartner] = await row(`SELECT partner_id FROM res_users WHERE id = $1`, [DEMO]);
    expect(await row(`SELECT partner_id FROM mail_followers WHERE res_model = 'res.partner' AND res_id = $1`, [id])).toEqual([{ partner_id: demoPartner.partner_id }]);
    const followerSubtypes = await row(
      `SELECT count(*)::int AS n FROM mail_followers_mail_message_subtype_rel r JOIN mail_followers f ON f.id = r.mail_followers_id WHERE f.res_model = 'res.partner' AND f.res_id = $1`,
      [id],
    );
    expect(followerSubtypes[0].n).toBeGreaterThan(0);
    const messages = await row(`SELECT body, message_type, author_id, create_uid, is_internal FROM mail_message WHERE model = 'res.partner' AND res_id = $1`, [id]);
    expect(messages).toEqual([{ body: '<p>Contact created</p>', message_type: 'notification', author_id: demoPartner.partner_id, create_uid: DEMO, is_internal: true }]);
  });

  it('one tracking note per write of tracked fields, with values typed as mail_tracking_value stores them', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Tracked' }])) as number;
    await call(ADMIN, 'res.partner', 'write', [[id], { name: 'Tracked Renamed', phone: '+1 555', user_id: ADMIN, function: 'untracked' }]);
    const values = await row(
      `SELECT f.name, v.old_value_char, v.new_value_char, v.old_value_integer, v.new_value_integer
         FROM mail_tracking_value v JOIN ir_model_fields f ON f.id = v.field_id JOIN mail_message m ON m.id = v.mail_message_id
        WHERE m.model = 'res.partner' AND m.res_id = $1 ORDER BY v.id`,
      [id],
    );
    // Rows in mail's `_mail_track_order_fields` order, (tracking sequence, name) descending: name
    // (account redefines it tracking=True: 100), user_id (4), phone (2) — as Odoo 18 stores them.
    expect(values).toEqual([
      { name: 'name', old_value_char: 'Tracked', new_value_char: 'Tracked Renamed', old_value_integer: null, new_value_integer: null },
      { name: 'user_id', old_value_char: '', new_value_char: 'Mitchell Admin', old_value_integer: 0, new_value_integer: ADMIN },
      { name: 'phone', old_value_char: null, new_value_char: '+1 555', old_value_integer: null, new_value_integer: null },
    ]);
    // Writing the same value again tracks nothing.
    const count = async () => (await row(`SELECT count(*)::int AS n FROM mail_message WHERE model = 'res.partner' AND res_id = $1`, [id]))[0].n;
    const before = await count();
    await call(ADMIN, 'res.partner', 'write', [[id], { name: 'Tracked Renamed' }]);
    expect(await count()).toBe(before);
  });

  it('tracking_disable, mail_create_nolog and mail_create_nosubscribe switch the side effects off', async () => {
    const quiet = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Quiet' }], { context: { tracking_disable: true } })) as number;
    const noLog = (await call(ADMIN, 'res.partner', 'create', [{ name: 'No log' }], { context: { mail_create_nolog: true, mail_create_nosubscribe: true } })) as number;
    for (const id of [quiet, noLog]) {
      expect(await row(`SELECT id FROM mail_message WHERE model = 'res.partner' AND res_id = $1`, [id])).toEqual([]);
      expect(await row(`SELECT id FROM mail_followers WHERE res_model = 'res.partner' AND res_id = $1`, [id])).toEqual([]);
    }
    await call(ADMIN, 'res.partner', 'write', [[quiet], { email: 'q@example.com' }], { context: { mail_notrack: true } });
    expect(await row(`SELECT id FROM mail_message WHERE model = 'res.partner' AND res_id = $1`, [quiet])).toEqual([]);
  });

  it('a responsible other than the writer is told of the assignment (mail.message_user_assigned), the writer is not', async () => {
    const id = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Assigned' }])) as number;
    await call(ADMIN, 'res.partner', 'write', [[id], { user_id: DEMO }]);
    expect((await row(`SELECT user_id FROM res_partner WHERE id = $1`, [id]))[0]).toEqual({ user_id: DEMO });
    const told = await row(
      `SELECT m.message_type, r.res_partner_id = u.partner_id AS to_assignee, m.body LIKE '%You have been assigned to%' AS says_assigned
         FROM mail_message m JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id JOIN res_users u ON u.id = $2
        WHERE m.model = 'res.partner' AND m.res_id = $1 AND m.message_type = 'user_notification'`,
      [id, DEMO],
    );
    expect(told).toEqual([{ message_type: 'user_notification', to_assignee: true, says_assigned: true }]);
    const self = (await call(ADMIN, 'res.partner', 'create', [{ name: 'Mine' }])) as number;
    await call(ADMIN, 'res.partner', 'write', [[self], { user_id: ADMIN }]);
    expect(await row(`SELECT id FROM mail_message WHERE model = 'res.partner' AND res_id = $1 AND message_type = 'user_notification'`, [self])).toEqual([]);
  });
});

describe("mail's security emails on res.users writes (addons/mail/models/res_users.py)", () => {
  const mails = async (after: number) =>
    row(
      `SELECT m.subject, m.message_type, m.body, m.model, m.res_id, m.author_id, mm.state, mm.auto_delete, mm.email_to, mm.body_html
         FROM mail_mail mm JOIN mail_message m ON m.id = mm.mail_message_id WHERE mm.id > $1 ORDER BY mm.id`,
      [after],
    );
  const lastMail = async () => Number((await row(`SELECT coalesce(max(id), 0) AS id FROM mail_mail`, []))[0]!.id);
  const admin = async () => Number((await row(`SELECT partner_id FROM res_users WHERE id = $1`, [ADMIN]))[0]!.partner_id);

  it('a password change queues one private outgoing email per user, written by the current user; other writes none', async () => {
    const user = (await call(ADMIN, 'res.users', 'create', [{ name: 'Mail Guard', login: 'mail.guard' }], { context: { no_reset_password: true } })) as number;
    const before = await lastMail();
    await call(ADMIN, 'res.users', 'write', [[user], { name: 'Mail Guard II' }]);
    expect(await mails(before)).toEqual([]);
    await call(ADMIN, 'res.users', 'write', [[user], { password: 'a-new-secret' }]);
    const [mail] = await mails(before);
    expect({ ...mail, body_html: undefined }).toEqual({
      subject: 'Security Update: Password Changed', message_type: 'email_outgoing', body: '', model: null, res_id: null,
      author_id: await admin(), state: 'outgoing', auto_delete: true, email_to: null, body_html: undefined,
    });
    expect(mail!.body_html).toMatch(/Dear Mail Guard II,[\s\S]*Your account password has been updated[\s\S]*\/web\/reset_password/);
  });

  it('a login change notifies its user at the current address; an email change notifies the previous address, for every user written', async () => {
    const a = (await call(ADMIN, 'res.users', 'create', [{ name: 'Ann Old', login: 'ann.old' }], { context: { no_reset_password: true } })) as number;
    const b = (await call(ADMIN, 'res.users', 'create', [{ name: 'Bob Old', login: 'bob.old' }], { context: { no_reset_password: true } })) as number;
    await row(`UPDATE res_partner SET email = 'ann@old.example' WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)`, [a]);
    let before = await lastMail();
    await call(ADMIN, 'res.users', 'write', [[a], { login: 'ann.new' }]);
    expect((await mails(before)).map((m) => [m.subject, m.email_to])).toEqual([['Security Update: Login Changed', '"Ann Old" <ann@old.example>']]);
    before = await lastMail();
    // Odoo sends the old address's notice once per user of the write (it loops over `self` for each changed user).
    await call(ADMIN, 'res.users', 'write', [[a, b], { email: 'both@new.example' }]);
    const sent = await mails(before);
    expect(sent.map((m) => [m.subject, m.email_to])).toEqual([
      ['Security Update: Email Changed', 'ann@old.example'],
      ['Security Update: Email Changed', 'ann@old.example'],
    ]);
    expect(sent[0]!.body_html).toContain('Your account email has been changed from ann@old.example to both@new.example.');
    expect(sent[0]!.body_html).not.toContain('reset_password');
  });
});
