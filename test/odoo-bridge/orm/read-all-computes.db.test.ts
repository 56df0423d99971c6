import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { AVATAR_PLACEHOLDERS } from '../../../odoo-bridge/orm/read/avatar-placeholders.generated.ts';
import { humanSize } from '../../../odoo-bridge/orm/read/binary.ts';
import { transitiveImplied } from '../../../odoo-bridge/orm/read/user-computes.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * The computes an all-fields read of res.users / res.partner / res.groups asks for (odoorpc's
 * browse reads every field), against what real Odoo 18 answered on the same hp_legacy data and
 * the Python they come from (named per case). A read with no field list carries them all.
 */
const ADMIN = 2;
let legacy: TestDatabase;
let engine: OrmEngine;

const read = async (model: string, ids: number[], fields: string[] | null) =>
  (await engine.call({ database: 'hp_legacy', uid: ADMIN, model, method: 'read', args: fields ? [ids, fields] : [ids], kwargs: {} })) as Record<string, unknown>[];

beforeAll(async () => {
  legacy = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, filestore: testFilestores().legacy });
});
afterAll(async () => {
  await legacy?.drop();
});

describe('res.users computes', () => {
  it('counts of companies, access rows, rules and groups; the settings record; tz_offset (values Odoo answered)', async () => {
    const [admin] = await read('res.users', [ADMIN], ['companies_count', 'accesses_count', 'rules_count', 'groups_count', 'res_users_settings_id', 'tz_offset']);
    expect(admin).toEqual({
      id: ADMIN, companies_count: 1, accesses_count: 421, rules_count: 77, groups_count: 15,
      res_users_settings_id: [1, 'Administrator'], tz_offset: '+0000',
    });
    const [member] = await read('res.users', [6], ['accesses_count', 'rules_count', 'groups_count', 'tz_offset']);
    expect(member).toEqual({ id: 6, accesses_count: 138, rules_count: 40, groups_count: 5, tz_offset: '+0800' });
  });

  it("state is 'new' until the user has a login (auth_signup _compute_state on login_date)", async () => {
    await legacy.pool.query('DELETE FROM res_users_log WHERE create_uid = 7');
    expect((await read('res.users', [7], ['state']))[0]!.state).toBe('new');
    await legacy.pool.query(`INSERT INTO res_users_log (create_uid, create_date, write_uid, write_date) VALUES (7, now(), 7, now())`);
    expect((await read('res.users', [7], ['state']))[0]!.state).toBe('active');
  });

  it("im_status: the user's bus presence, 'offline' without; a partner's from its users, 'im_partner' without, OdooBot 'bot'", async () => {
    await legacy.pool.query('DELETE FROM bus_presence WHERE user_id = 6');
    expect((await read('res.users', [6], ['im_status']))[0]!.im_status).toBe('offline');
    const partnerOf6 = (await legacy.pool.query<{ partner_id: number }>('SELECT partner_id FROM res_users WHERE id = 6')).rows[0]!.partner_id;
    expect(await read('res.partner', [1, 2, partnerOf6], ['im_status'])).toEqual([
      { id: 1, im_status: 'im_partner' },
      { id: 2, im_status: 'bot' },
      { id: partnerOf6, im_status: 'offline' },
    ]);
    await legacy.pool.query(`INSERT INTO bus_presence (user_id, status, last_poll, last_presence) VALUES (6, 'online', now(), now())`);
    expect((await read('res.users', [6], ['im_status']))[0]!.im_status).toBe('online');
    expect((await read('res.partner', [partnerOf6], ['im_status']))[0]!.im_status).toBe('online');
  });
});

describe('res.partner and res.groups computes', () => {
  it('a void email formats to False; blacklist flags; a search-only field reads False', async () => {
    expect(await read('res.partner', [1, 3], ['email_formatted', 'phone_blacklisted', 'mobile_blacklisted', 'phone_mobile_search'])).toEqual([
      { id: 1, email_formatted: false, phone_blacklisted: false, mobile_blacklisted: false, phone_mobile_search: false },
      { id: 3, email_formatted: '"Administrator" <admin@example.com>', phone_blacklisted: false, mobile_blacklisted: false, phone_mobile_search: false },
    ]);
    // mail.thread.phone _compute_blacklisted: the sanitized number is blacklisted and the phone field formats to it
    await legacy.pool.query(`UPDATE res_partner SET phone = '+8613800000000', mobile = NULL, phone_sanitized = '+8613800000000' WHERE id = 3`);
    await legacy.pool.query(`INSERT INTO phone_blacklist (number, active) VALUES ('+8613800000000', true)`);
    expect(await read('res.partner', [3], ['phone_blacklisted', 'mobile_blacklisted'])).toEqual([{ id: 3, phone_blacklisted: true, mobile_blacklisted: false }]);
  });

  it('trans_implied_ids: implied_ids, then each one\'s closure, first occurrence kept (values Odoo answered)', async () => {
    expect(await read('res.groups', [1, 2, 3], ['trans_implied_ids'])).toEqual([
      { id: 1, trans_implied_ids: [21, 6, 7] },
      { id: 2, trans_implied_ids: [1, 21, 6, 7] },
      { id: 3, trans_implied_ids: [] },
    ]);
    // implied_ids | implied_ids.trans_implied_ids: 1 → [3, 2] then 3's [4, 5] then 2's [4] (already there)
    const implied = new Map([[1, [3, 2]], [2, [4]], [3, [4, 5]], [5, [6]]]);
    expect(transitiveImplied(1, implied)).toEqual([3, 2, 4, 5, 6]);
  });

  it('an all-fields read carries these computes', async () => {
    const [user] = await read('res.users', [ADMIN], null);
    for (const name of ['companies_count', 'accesses_count', 'rules_count', 'groups_count', 'res_users_settings_id', 'state', 'im_status', 'tz_offset', 'phone_blacklisted', 'phone_mobile_search']) {
      expect(user, name).toHaveProperty(name);
    }
    const [group] = await read('res.groups', [2], null);
    expect(group!.trans_implied_ids).toEqual([1, 21, 6, 7]);
  });

  it('a binary stored in a column (attachment=False) reads as the base64 text it holds, not encoded again', async () => {
    // res.company: logo_web = fields.Binary(compute='_compute_logo_web', store=True, attachment=False)
    const { rows } = await legacy.pool.query<{ text: string }>(`SELECT convert_from(logo_web, 'UTF8') AS text FROM res_company WHERE id = 1`);
    expect(rows[0]!.text).toMatch(/^iVBOR/); // a PNG's base64
    expect((await read('res.company', [1], ['logo_web']))[0]!.logo_web).toBe(rows[0]!.text);
  });

  it('avatar_*: the image, else res.partner placeholders by kind, else the generated SVG for internal users', async () => {
    const q = async (text: string) => (await legacy.pool.query(text)).rows;
    // a contact without image and without internal user: the grey placeholder (res.partner `_avatar_get_placeholder_path`)
    const [plain] = await q(`SELECT p.id FROM res_partner p WHERE NOT p.is_company AND p.type = 'contact'
      AND NOT EXISTS (SELECT 1 FROM ir_attachment a WHERE a.res_model = 'res.partner' AND a.res_field = 'image_128' AND a.res_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id AND NOT u.share AND u.active) ORDER BY p.id LIMIT 1`);
    await legacy.pool.query(`UPDATE res_partner SET type = 'delivery' WHERE id = $1`, [plain.id]);
    const [truck] = await read('res.partner', [plain.id], ['avatar_128']);
    expect(truck!.avatar_128).toBe(AVATAR_PLACEHOLDERS['base/static/img/truck.png']);
    await legacy.pool.query(`UPDATE res_partner SET type = 'contact' WHERE id = $1`, [plain.id]);
    const [grey] = await read('res.partner', [plain.id], ['avatar_128']);
    expect(grey!.avatar_128).toBe(AVATAR_PLACEHOLDERS['base/static/img/avatar_grey.png']);
    expect(Buffer.from(grey!.avatar_128 as string, 'base64').subarray(1, 4).toString()).toBe('PNG');
    // an internal user's partner without image: avatar.mixin `_avatar_generate_svg` (its initial)
    await legacy.pool.query(`DELETE FROM ir_attachment WHERE res_model = 'res.partner' AND res_field LIKE 'image_%' AND res_id = 3`);
    const [admin] = await read('res.partner', [3], ['name', 'avatar_128']);
    const svg = Buffer.from(admin!.avatar_128 as string, 'base64').toString();
    expect(svg).toMatch(/^<\?xml version='1.0' encoding='UTF-8' \?><svg height='180'/);
    expect(svg).toContain(`>${(admin!.name as string)[0]!.toUpperCase()}</text>`);
    // bin_size: the size of the decoded value, Python's %0.2f (an exact tie rounds to even)
    const sized = (await engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'res.partner', method: 'read', args: [[plain.id], ['avatar_128']], kwargs: { context: { bin_size: true } } })) as Record<string, unknown>[];
    expect(sized[0]!.avatar_128).toBe(humanSize(Buffer.from(AVATAR_PLACEHOLDERS['base/static/img/avatar_grey.png']!, 'base64').length));
    expect(humanSize(3200)).toBe('3.12 Kb');
    expect(humanSize(3210)).toBe('3.13 Kb');
    // res.users reads them through _inherits
    const [user] = await read('res.users', [ADMIN], null);
    expect(user!.avatar_128).toBe(admin!.avatar_128);
  });

  it("property_product_pricelist: the partner's own, else its country group's, else the fallback (_get_partner_pricelist_multi)", async () => {
    const q = async (text: string, values: unknown[] = []) => (await legacy.pool.query(text, values)).rows;
    // value Odoo answered: every partner on the one pricelist, shown as "<name> (<currency>)"
    expect((await read('res.partner', [3], ['property_product_pricelist']))[0]!.property_product_pricelist).toEqual([1, 'Default (USD)']);
    const [{ id: cn }] = await q(`SELECT id FROM res_country WHERE code = 'CN'`);
    const [{ id: usd }] = await q(`SELECT currency_id AS id FROM product_pricelist WHERE id = 1`);
    const [{ id: asia }] = await q(`INSERT INTO product_pricelist (name, currency_id, active, sequence) VALUES ('{"en_US": "Asia"}', $1, true, 20) RETURNING id`, [usd]);
    const [{ id: group }] = await q(`INSERT INTO res_country_group (name) VALUES ('{"en_US": "Asia"}') RETURNING id`);
    await q(`INSERT INTO res_country_res_country_group_rel (res_country_group_id, res_country_id) VALUES ($1, $2)`, [group, cn]);
    await q(`INSERT INTO res_country_group_pricelist_rel (pricelist_id, res_country_group_id) VALUES ($1, $2)`, [asia, group]);
    await q(`UPDATE res_partner SET country_id = $1 WHERE id = 3`, [cn]);
    expect((await read('res.partner', [3], ['property_product_pricelist']))[0]!.property_product_pricelist).toEqual([asia, 'Asia (USD)']);
    // the company-dependent specific pricelist wins, if active
    await q(`UPDATE res_partner SET specific_property_product_pricelist = '{"1": 1}' WHERE id = 3`);
    expect((await read('res.partner', [3], ['property_product_pricelist']))[0]!.property_product_pricelist).toEqual([1, 'Default (USD)']);
    await q(`UPDATE product_pricelist SET active = false WHERE id = 1`);
    expect((await read('res.partner', [3], ['property_product_pricelist']))[0]!.property_product_pricelist).toEqual([asia, 'Asia (USD)']);
  });

  it('res.company parent_ids, root_id, color and is_company_details_empty (values Odoo answered, then the rules)', async () => {
    const [company] = await read('res.company', [1], ['name', 'parent_ids', 'root_id', 'color', 'is_company_details_empty']);
    expect(company).toEqual({ id: 1, name: company!.name, parent_ids: [1], root_id: [1, company!.name], color: 1, is_company_details_empty: true });
    // html2plaintext: markup alone is empty, text is not (company_details is translated: jsonb)
    await legacy.pool.query(`UPDATE res_company SET company_details = '{"en_US": "<p><br></p>"}' WHERE id = 1`);
    expect((await read('res.company', [1], ['is_company_details_empty']))[0]!.is_company_details_empty).toBe(true);
    await legacy.pool.query(`UPDATE res_company SET company_details = '{"en_US": "<p>HealthPlus &amp; Co</p>"}' WHERE id = 1`);
    expect((await read('res.company', [1], ['is_company_details_empty']))[0]!.is_company_details_empty).toBe(false);
    // `root_id.partner_id.color or root_id.id % 12`
    await legacy.pool.query(`UPDATE res_partner SET color = 7 WHERE id = (SELECT partner_id FROM res_company WHERE id = 1)`);
    expect((await read('res.company', [1], ['color']))[0]!.color).toBe(7);
  });

  it("a model read from the `_table` its class sets (ir.actions.actions: ir_actions), not refused for want of ir_actions_actions", async () => {
    const { rows } = await legacy.pool.query<{ id: number; type: string }>('SELECT id, type FROM ir_actions ORDER BY id LIMIT 2');
    const got = (await engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'ir.actions.actions', method: 'search_read', args: [[]], kwargs: { fields: ['type'], order: 'id', limit: 2 } })) as Record<string, unknown>[];
    expect(got).toEqual(rows.map((r) => ({ id: r.id, type: r.type })));
  });
});
