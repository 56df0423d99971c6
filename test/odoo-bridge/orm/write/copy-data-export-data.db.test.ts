import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { fixIdPaths, pythonJsonDumps } from '../../../../odoo-bridge/orm/write/export-data.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../../support/databases.ts';

/**
 * copy_data and export_data by Odoo 18's rules (odoo/models.py `copy_data`, `_export_rows`,
 * `export_data`, `__ensure_xml_id`; fields.py `convert_to_write` / `convert_to_export`; the
 * copy_data overrides of res_partner.py and res_users.py), checked against the real Odoo 18 on
 * hp_legacy by /tmp/x1/fam.py (copy_data 94/94, export_data 985/988 equal). Expectations are
 * computed here from the rows; a member reads through the record rules on both paths.
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
let member: number;
let foreignRecord: number;

const call = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}, uid = ADMIN) =>
  engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs });
const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};
const one = async <T>(query: string, params: unknown[] = []) => (await db.pool.query(query, params)).rows[0] as T;

beforeAll(async () => {
  db = await legacyDatabase();
  // A member (group_hp_member, not coach, not admin) and a health record of somebody else.
  const row = await one<{ uid: number; rec: number }>(`
    SELECT u.id AS uid, (SELECT h.id FROM health_records h WHERE h.user_id <> u.id ORDER BY h.id LIMIT 1) AS rec
      FROM res_users u
     WHERE u.active AND u.id > 2
       AND u.id IN (SELECT uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module = 'hp_account' AND d.name = 'group_hp_member')
       AND u.id NOT IN (SELECT uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
                         WHERE (d.module, d.name) IN (('hp_account', 'group_hp_coach'), ('base', 'group_erp_manager'), ('base', 'group_system'), ('base', 'group_allow_export')))
       AND EXISTS (SELECT 1 FROM health_records h WHERE h.user_id = u.id)
     ORDER BY u.id LIMIT 1`);
  member = row.uid;
  foreignRecord = row.rec;
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

describe('copy_data', () => {
  it('res.partner: copied fields in write form, no log columns, many2many as (6, 0, ids), the name + " (copy)"', async () => {
    const partner = await one<{ id: number; name: string }>(`SELECT id, name FROM res_partner WHERE active AND name IS NOT NULL ORDER BY id LIMIT 1`);
    await db.pool.query(`INSERT INTO res_partner_category (name, active) VALUES ('{"en_US": "Copied tag"}', true) RETURNING id`).then((r) =>
      db.pool.query('INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id) VALUES ($1, $2)', [partner.id, r.rows[0].id]));
    const [vals] = (await call('res.partner', 'copy_data', [[partner.id]])) as Array<Record<string, unknown>>;
    expect(vals!.name).toBe(`${partner.name} (copy)`);
    for (const never of ['id', 'create_date', 'create_uid', 'write_date', 'write_uid', 'parent_path', 'display_name']) expect(vals).not.toHaveProperty(never);
    const categories = (await db.pool.query<{ category_id: number }>('SELECT category_id FROM res_partner_res_partner_category_rel WHERE partner_id = $1', [partner.id])).rows.map((r) => r.category_id);
    expect(vals!.category_id).toEqual([[6, 0, expect.arrayContaining(categories)]]);
    // Only fields flagged copy=True come (ir_model_fields.copied), none with copy=False.
    const notCopied = (await db.pool.query<{ name: string }>(`SELECT f.name FROM ir_model_fields f WHERE f.model = 'res.partner' AND NOT f.copied`)).rows.map((r) => r.name);
    expect(Object.keys(vals!).filter((k) => notCopied.includes(k) && k !== 'name')).toEqual([]);
  });

  it('res.partner: a truthy default name is kept; `default` keys come first and win', async () => {
    const id = (await one<{ id: number }>('SELECT id FROM res_partner WHERE active ORDER BY id LIMIT 1')).id;
    const [vals] = (await call('res.partner', 'copy_data', [[id]], { default: { name: 'Given', comment: 'x' } })) as Array<Record<string, unknown>>;
    expect(vals!.name).toBe('Given');
    expect(Object.keys(vals!).slice(0, 2)).toEqual(['name', 'comment']);
  });

  it('res.users: name and login " (copy)" unless given; a given partner_id keeps the name out and blacklists the partner fields', async () => {
    const user = await one<{ login: string; name: string }>('SELECT u.login, p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [ADMIN]);
    const [vals] = (await call('res.users', 'copy_data', [[ADMIN]])) as Array<Record<string, unknown>>;
    expect(vals!.login).toBe(`${user.login} (copy)`);
    expect(vals!.name).toBe(`${user.name} (copy)`);
    expect(vals).not.toHaveProperty('partner_id');
    const [given] = (await call('res.users', 'copy_data', [[ADMIN]], { default: { partner_id: 3, login: 'x' } })) as Array<Record<string, unknown>>;
    expect(given).not.toHaveProperty('name');
    expect(given).not.toHaveProperty('email');
    expect(given!.login).toBe('x');
  });

  it('a Python copy_data override nobody implements is refused clearly (res.groups)', async () => {
    const e = await errorOf(call('res.groups', 'copy_data', [[1]]));
    expect(e.message).toBe("Ficus cannot run the business method copy_data() of res.groups: this behaviour lives in Odoo's Python and no service provides it yet.");
  });

  it('reads as the user: a record the read rules hide is an AccessError, a deleted one a MissingError', async () => {
    const denied = await errorOf(call('hp.health.record', 'copy_data', [[foreignRecord]], {}, member));
    expect(denied.name).toBe('odoo.exceptions.AccessError');
    const missing = await errorOf(call('hp.health.record', 'copy_data', [[999999]]));
    expect(missing.name).toBe('odoo.exceptions.MissingError');
  });
});

describe('export_data', () => {
  it('paths split on "/" with a.id → a/.id and a:id → a/id', () => {
    expect(fixIdPaths('partner_id.id')).toEqual(['partner_id', '.id']);
    expect(fixIdPaths('partner_id:id')).toEqual(['partner_id', 'id']);
    expect(fixIdPaths('.id')).toEqual(['.id']);
    expect(fixIdPaths('a/b/display_name')).toEqual(['a', 'b', 'display_name']);
  });

  it('json.dumps as Python writes it', () => {
    expect(pythonJsonDumps({ a: [1, 'é'], b: null })).toBe('{"a": [1, "\\u00e9"], "b": null}');
  });

  it('per type: .id as text, booleans as bool, empty as "", many2one as its display name, selection as its label', async () => {
    const rec = await one<{ id: number; user_id: number; login: string; name: string; record_type: string }>(
      `SELECT h.id, h.user_id, u.login, p.name, h.record_type FROM health_records h JOIN res_users u ON u.id = h.user_id JOIN res_partner p ON p.id = u.partner_id ORDER BY h.id LIMIT 1`,
    );
    const fields = (await call('hp.health.record', 'fields_get', [], { attributes: ['type', 'selection'] })) as Record<string, { type: string; selection?: Array<[string, string]> }>;
    const { datas } = (await call('hp.health.record', 'export_data', [[rec.id], ['.id', 'user_id', 'user_id/.id', 'record_type', 'user_id/active']])) as { datas: unknown[][] };
    const label = fields.record_type!.selection!.find(([k]) => k === rec.record_type)![1];
    expect(datas).toEqual([[String(rec.id), rec.name, String(rec.user_id), label, true]]);
  });

  it('one2many values add lines after the record line; many2many are one cell of names (import_compat)', async () => {
    const user = await one<{ id: number }>(`SELECT u.id FROM res_users u WHERE (SELECT count(*) FROM res_groups_users_rel r WHERE r.uid = u.id) > 1 ORDER BY u.id LIMIT 1`);
    const { datas } = (await call('res.users', 'export_data', [[user.id], ['login', 'groups_id']])) as { datas: string[][] };
    expect(datas.length).toBe(1);
    const names = (await call('res.groups', 'search_read', [[['users', 'in', [user.id]]]], { fields: ['display_name'] })) as Array<{ display_name: string }>;
    expect(datas[0]![1]!.split(',').sort()).toEqual(names.map((g) => g.display_name).sort());
    const parent = (await one<{ id: number }>(`SELECT id FROM res_partner WHERE active AND is_company IS NOT TRUE ORDER BY id DESC LIMIT 1`)).id;
    await db.pool.query(`INSERT INTO res_partner (name, parent_id, active, type) VALUES ('Child A', $1, true, 'contact'), ('Child B', $1, true, 'contact')`, [parent]);
    const partner = { id: parent, n: 2 };
    const rows = ((await call('res.partner', 'export_data', [[partner.id], ['.id', 'child_ids/.id']])) as { datas: string[][] }).datas;
    expect(rows.length).toBe(partner.n);
    expect(rows[0]![0]).toBe(String(partner.id));
    expect(rows.slice(1).every((r) => r[0] === '')).toBe(true);
  });

  it('id: existing external ids as module.name; missing ones created as __export__.<table>_<id>_<8 hex>', async () => {
    const { datas } = (await call('res.users', 'export_data', [[ADMIN], ['id']])) as { datas: string[][] };
    expect(datas).toEqual([['base.user_admin']]);
    const rec = (await one<{ id: number }>('SELECT id FROM health_records WHERE id NOT IN (SELECT res_id FROM ir_model_data WHERE model = $1) ORDER BY id LIMIT 1', ['hp.health.record'])).id;
    const [[xid]] = ((await call('hp.health.record', 'export_data', [[rec], ['id']])) as { datas: string[][] }).datas as [[string]];
    expect(xid).toMatch(new RegExp(`^__export__\\.health_records_${rec}_[0-9a-f]{8}$`));
    const stored = await one<{ n: number }>(`SELECT count(*)::int AS n FROM ir_model_data WHERE module = '__export__' AND model = 'hp.health.record' AND res_id = $1 AND name = $2`, [rec, xid.slice('__export__.'.length)]);
    expect(stored.n).toBe(1);
    // A second export names the same id.
    expect(((await call('hp.health.record', 'export_data', [[rec], ['id']])) as { datas: string[][] }).datas).toEqual([[xid]]);
  });

  it('only admins and base.group_allow_export export; the record rules apply to what they export', async () => {
    const refused = await errorOf(call('hp.health.record', 'export_data', [[foreignRecord], ['.id']], {}, member));
    expect(refused).toEqual({ name: 'odoo.exceptions.UserError', message: "You don't have the rights to export data. Please contact an Administrator." });
    await db.pool.query(`INSERT INTO res_groups_users_rel (gid, uid) SELECT res_id, $1 FROM ir_model_data WHERE module = 'base' AND name = 'group_allow_export'`, [member]);
    const exporter = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
    const exportAs = (ids: number[]) => exporter.call({ database: 'hp_legacy', uid: member, model: 'hp.health.record', method: 'export_data', args: [ids, ['.id', 'value']], kwargs: {} });
    const own = (await one<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1 ORDER BY id LIMIT 1', [member])).id;
    expect(((await exportAs([own])) as { datas: unknown[][] }).datas[0]![0]).toBe(String(own));
    const denied = await errorOf(exportAs([foreignRecord]));
    expect(denied.name).toBe('odoo.exceptions.AccessError');
  });
});
