import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * `_compute_display_name` overrides of installed modules (and the values an all-fields read
 * showed wrong against the real Odoo 18 on hp_legacy: /tmp/x1/read-summary.py wrong 25 → 5):
 * ir.model.fields (base ir_model.py), ir.model.data (the named record's), res.device(.log)
 * (base res_device.py), discuss.channel.member (mail), ir.ui.menu `_get_full_name` and its
 * complete_name; an empty properties definition reads as `[]` (fields.py PropertiesDefinition).
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
const read = (model: string, ids: number[], fields: string[]) =>
  engine.call({ database: 'hp_legacy', uid: ADMIN, model, method: 'read', args: [ids, fields], kwargs: {} }) as Promise<Array<Record<string, unknown>>>;
const rows = async <T>(query: string, params: unknown[] = []) => (await db.pool.query(query, params)).rows as T[];

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

describe('display names computed by overrides', () => {
  it('ir.model.fields: "<description> (<model name>)", also as the label of a many2one to it', async () => {
    const fields = await rows<{ id: number; label: string; model_name: string }>(
      `SELECT f.id, f.field_description->>'en_US' AS label, m.name->>'en_US' AS model_name FROM ir_model_fields f JOIN ir_model m ON m.model = f.model ORDER BY f.id LIMIT 3`,
    );
    const got = await read('ir.model.fields', fields.map((f) => f.id), ['display_name']);
    expect(got.map((r) => r.display_name)).toEqual(fields.map((f) => `${f.label} (${f.model_name})`));
    const selection = await rows<{ id: number; field_id: number }>('SELECT id, field_id FROM ir_model_fields_selection ORDER BY id LIMIT 1');
    const [option] = await read('ir.model.fields.selection', [selection[0]!.id], ['field_id']);
    const [field] = await read('ir.model.fields', [selection[0]!.field_id], ['display_name']);
    expect(option!.field_id).toEqual([selection[0]!.field_id, field!.display_name]);
  });

  it('ir.model.data: the display name of the record it names, else module.name', async () => {
    const company = await rows<{ id: number; name: string }>(`SELECT d.id, c.name FROM ir_model_data d JOIN res_company c ON c.id = d.res_id WHERE d.model = 'res.company' AND d.module = 'base' AND d.name = 'main_company'`);
    const [named] = await read('ir.model.data', [company[0]!.id], ['display_name']);
    expect(named!.display_name).toBe(company[0]!.name);
    const [dangling] = await rows<{ id: number }>(`INSERT INTO ir_model_data (module, name, model, res_id) VALUES ('x1', 'gone', 'res.partner', 987654) RETURNING id`);
    expect((await read('ir.model.data', [dangling!.id], ['display_name']))[0]!.display_name).toBe('x1.gone');
  });

  it('res.device: "Platform Browser", capitalized, "Unknown" for what is empty', async () => {
    const [device] = await rows<{ id: number }>(
      `INSERT INTO res_device_log (session_identifier, platform, browser, ip_address, first_activity, last_activity, user_id, device_type, revoked)
       VALUES ('abc', 'LINUX', NULL, '127.0.0.1', now(), now(), 2, 'computer', false) RETURNING id`,
    );
    expect((await read('res.device.log', [device!.id], ['display_name']))[0]!.display_name).toBe('Linux Unknown');
  });

  it('discuss.channel.member: “member” in “channel”', async () => {
    const members = await rows<{ id: number; partner: string; channel: string }>(
      `SELECT m.id, p.name AS partner, c.name AS channel FROM discuss_channel_member m JOIN res_partner p ON p.id = m.partner_id JOIN discuss_channel c ON c.id = m.channel_id ORDER BY m.id LIMIT 2`,
    );
    const got = await read('discuss.channel.member', members.map((m) => m.id), ['display_name']);
    expect(got.map((r) => r.display_name)).toEqual(members.map((m) => `“${m.partner}” in “${m.channel}”`));
  });

  it('ir.ui.menu: the parents joined with "/", as display_name, complete_name and many2one label', async () => {
    const [menu] = await rows<{ id: number; parent_id: number; name: string; parent: string; grand: string | null }>(
      `SELECT m.id, m.parent_id, m.name->>'en_US' AS name, p.name->>'en_US' AS parent, g.name->>'en_US' AS grand
         FROM ir_ui_menu m JOIN ir_ui_menu p ON p.id = m.parent_id LEFT JOIN ir_ui_menu g ON g.id = p.parent_id
        WHERE p.parent_id IS NOT NULL AND g.parent_id IS NULL ORDER BY m.id LIMIT 1`,
    );
    const full = `${menu!.grand}/${menu!.parent}/${menu!.name}`;
    const [got] = await read('ir.ui.menu', [menu!.id], ['display_name', 'complete_name', 'parent_id']);
    expect(got).toMatchObject({ display_name: full, complete_name: full, parent_id: [menu!.parent_id, `${menu!.grand}/${menu!.parent}`] });
  });
});

it('an empty properties definition reads as []', async () => {
  const [category] = await rows<{ id: number }>('SELECT id FROM product_category ORDER BY id LIMIT 1');
  expect((await read('product.category', [category!.id], ['product_properties_definition']))[0]!.product_properties_definition).toEqual([]);
});
