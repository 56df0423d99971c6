import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * Computes of base's technical models an all-fields read asks for (read/base-model-computes.ts),
 * against the values real Odoo 18 answered on the same hp_legacy data.
 */
let legacy: TestDatabase;
let engine: OrmEngine;
/** As a client decodes it (floats are PythonFloat on the way out). */
const read = async (model: string, ids: number[], fields: string[] | null) =>
  JSON.parse(stringifyPythonJson(await engine.call({ database: 'hp_legacy', uid: 2, model, method: 'read', args: fields ? [ids, fields] : [ids], kwargs: {} }))) as Record<string, unknown>[];

beforeAll(async () => {
  legacy = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => legacy?.drop());

it('ir.model.fields selection (str of the en_US pairs) and modules (installed, sorted)', async () => {
  expect(await read('ir.model.fields', [902, 925], ['selection', 'modules'])).toEqual([
    { id: 902, selection: false, modules: 'base, mail' },
    { id: 925, selection: "[('contact', 'Contact'), ('invoice', 'Invoice Address'), ('delivery', 'Delivery Address'), ('other', 'Other Address')]", modules: 'base' },
  ]);
});

it("ir.model inherited models (_inherits) and views (ir.ui.view's _order)", async () => {
  expect(await read('ir.model', [427, 3, 98], ['model', 'inherited_model_ids', 'view_ids'])).toEqual([
    { id: 427, model: 'product.product', inherited_model_ids: [426], view_ids: [419, 416, 421, 422, 414, 415, 420, 418, 423, 424] },
    { id: 3, model: 'ir.model', inherited_model_ids: [], view_ids: [44, 352, 45, 46, 353] },
    { id: 98, model: 'res.users', inherited_model_ids: [87], view_ids: [162, 163, 376, 344, 239, 167, 165, 164, 377, 343, 166, 387, 386, 398, 397, 224, 225, 226, 170] },
  ]);
});

it('ir.ui.view arch and arch_base read arch_db; an all-fields read carries them', async () => {
  const { rows } = await legacy.pool.query<{ arch: string }>(`SELECT arch_db->>'en_US' AS arch FROM ir_ui_view WHERE id = 126`);
  const [view] = await read('ir.ui.view', [126], null);
  expect(view!.arch).toBe(rows[0]!.arch);
  expect(view!.arch_base).toBe(rows[0]!.arch);
  expect(String(view!.arch).startsWith('<form string="Partners">')).toBe(true);
});

it('report.paperformat print page size (format size, custom size, landscape swapped)', async () => {
  expect(await read('report.paperformat', [1, 2, 5], ['print_page_width', 'print_page_height'])).toEqual([
    { id: 1, print_page_width: 210.0, print_page_height: 297.0 },
    { id: 2, print_page_width: 215.9, print_page_height: 279.4 },
    { id: 5, print_page_width: 57.0, print_page_height: 32.0 },
  ]);
});

it("mail.message: the reading user's authorship, unread notification, star and errors; a channel member's is_self", async () => {
  const [message] = (await legacy.pool.query<{ id: number }>(`SELECT id FROM mail_message ORDER BY id LIMIT 1`)).rows;
  const fields = ['is_current_user_or_guest_author', 'needaction', 'starred', 'has_error', 'has_sms_error'];
  expect((await read('mail.message', [message!.id], ['is_current_user_or_guest_author']))[0]).toMatchObject({ is_current_user_or_guest_author: false });
  await legacy.pool.query(`UPDATE mail_message SET author_id = 3 WHERE id = $1`, [message!.id]);
  // The dump has no notification and no star (real Odoo 18 answers False for all four); admin (partner 3) is now the author.
  expect(await read('mail.message', [message!.id], fields)).toEqual([{ id: message!.id, is_current_user_or_guest_author: true, needaction: false, starred: false, has_error: false, has_sms_error: false }]);
  await legacy.pool.query(`INSERT INTO mail_notification (mail_message_id, res_partner_id, notification_type, notification_status, is_read) VALUES ($1, 3, 'sms', 'exception', false)`, [message!.id]);
  await legacy.pool.query(`INSERT INTO mail_message_res_partner_starred_rel (mail_message_id, res_partner_id) VALUES ($1, 3)`, [message!.id]);
  expect(await read('mail.message', [message!.id], fields)).toEqual([{ id: message!.id, is_current_user_or_guest_author: true, needaction: true, starred: true, has_error: true, has_sms_error: true }]);
  const member = (await legacy.pool.query<{ id: number; partner_id: number | null }>(`SELECT id, partner_id FROM discuss_channel_member ORDER BY id LIMIT 1`)).rows[0];
  if (member) expect((await read('discuss.channel.member', [member.id], ['is_self']))[0]!.is_self).toBe(member.partner_id === 3);
});
