import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * BaseModel's public helpers about records (odoo/models.py 18), answered by Odoo's generic
 * implementation and refused where a model's Python overrides them: get_metadata,
 * get_external_id, check_access_rule, fetch, get_base_url and toggle_active.
 */
const ADMIN = 2;
const MEMBER = 6;
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const call = (uid: number, model: string, method: string, args: unknown[]) => engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs: {} });
const ids = async (query: string, params: unknown[] = []) => (await db.pool.query<{ id: number }>(query, params)).rows.map((r) => r.id);
const otherMembersBinding = () => ids(`SELECT id FROM device_bindings WHERE user_id <> $1 ORDER BY id LIMIT 1`, [MEMBER]);

describe('get_metadata', () => {
  it('reads the log-access columns and the external ids (the oldest is the main one, the list in id order)', async () => {
    const { rows: [partner] } = await db.pool.query(`SELECT to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') AS create_date, to_char(write_date, 'YYYY-MM-DD HH24:MI:SS') AS write_date, create_uid, write_uid FROM res_partner WHERE id = 3`);
    await db.pool.query(`INSERT INTO ir_model_data (module, name, model, res_id, noupdate) VALUES ('__export__', 'res_partner_3_extra', 'res.partner', 3, false)`);
    const [meta] = (await call(ADMIN, 'res.partner', 'get_metadata', [[3]])) as Record<string, unknown>[];
    expect(Object.keys(meta!)).toEqual(['id', 'create_uid', 'create_date', 'write_uid', 'write_date', 'xmlid', 'noupdate', 'xmlids']);
    expect(meta).toMatchObject({ id: 3, create_date: partner.create_date, write_date: partner.write_date, xmlid: 'base.partner_admin', noupdate: true });
    expect((meta!.create_uid as [number, string])[0]).toBe(partner.create_uid);
    expect(meta!.xmlids).toEqual([{ xmlid: 'base.partner_admin', noupdate: true }, { xmlid: '__export__.res_partner_3_extra', noupdate: false }]);
    const [plain] = (await call(ADMIN, 'hp.health.record', 'get_metadata', [[1]])) as Record<string, unknown>[];
    expect(plain).toMatchObject({ id: 1, xmlid: false, noupdate: false, xmlids: [] });
  });

  it("applies read's access checks: another member's record is an AccessError", async () => {
    const [other] = await otherMembersBinding();
    await expect(call(MEMBER, 'hp.device.binding', 'get_metadata', [[other]])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
  });
});

describe('get_external_id', () => {
  it("maps every id to its external id or '' (ir.model.data read as sudo, the records not read)", async () => {
    expect(await call(ADMIN, 'res.partner', 'get_external_id', [[3, 7]])).toEqual({ 3: 'base.partner_admin', 7: '' });
  });
});

describe('check_access_rule (deprecated for check_access)', () => {
  it("refuses a member's write on another member's record and passes their own", async () => {
    const [other] = await otherMembersBinding();
    const [own] = await ids(`SELECT id FROM device_bindings WHERE user_id = $1 ORDER BY id LIMIT 1`, [MEMBER]);
    await expect(call(MEMBER, 'hp.device.binding', 'check_access_rule', [[other], 'write'])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
    expect(await call(MEMBER, 'hp.device.binding', 'check_access_rule', [[own], 'write'])).toBeUndefined();
  });
});

describe('fetch', () => {
  it('answers None, skips deleted ids, refuses records outside the read rules and unknown fields', async () => {
    const [own] = await ids(`SELECT id FROM device_bindings WHERE user_id = $1 ORDER BY id LIMIT 1`, [MEMBER]);
    const [other] = await otherMembersBinding();
    expect(await call(MEMBER, 'hp.device.binding', 'fetch', [[own, 987654], ['serial']])).toBeUndefined();
    await expect(call(MEMBER, 'hp.device.binding', 'fetch', [[own, other], ['serial']])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
    await expect(call(MEMBER, 'hp.device.binding', 'fetch', [[own], ['nope']])).rejects.toMatchObject({ message: "Invalid field 'nope' on model 'hp.device.binding'" });
  });
});

describe('get_base_url', () => {
  it("answers web.base.url for a singleton or no record, Python's ValueError for more", async () => {
    const { rows } = await db.pool.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = 'web.base.url'`);
    expect(await call(ADMIN, 'res.partner', 'get_base_url', [[3]])).toBe(rows[0]!.value);
    expect(await call(ADMIN, 'res.partner', 'get_base_url', [[]])).toBe(rows[0]!.value);
    await expect(call(ADMIN, 'res.partner', 'get_base_url', [[3, 7]])).rejects.toMatchObject({ exceptionName: 'builtins.ValueError', message: 'Expected singleton or no record: res.partner(3, 7)' });
  });
});

describe('toggle_active', () => {
  it('archives the active records and unarchives the others, as the caller, under the read rules', async () => {
    await db.pool.query(`INSERT INTO device_bindings (user_id, device_type, serial, active) VALUES ($1, 'scale', 'TOGGLE-2', false)`, [MEMBER]);
    const own = await ids(`SELECT id FROM device_bindings WHERE user_id = $1 ORDER BY id LIMIT 2`, [MEMBER]);
    expect(own.length).toBe(2);
    await db.pool.query(`UPDATE device_bindings SET active = (id = $1) WHERE id = ANY($2::int4[])`, [own[0], own]);
    expect(await call(MEMBER, 'hp.device.binding', 'toggle_active', [own])).toBeUndefined();
    const { rows } = await db.pool.query<{ id: number; active: boolean; write_uid: number }>(`SELECT id, active, write_uid FROM device_bindings WHERE id = ANY($1::int4[]) ORDER BY id`, [own]);
    expect(rows.map((r) => [r.id, r.active, r.write_uid])).toEqual([[own[0], false, MEMBER], [own[1], true, MEMBER]]);
    const [other] = await otherMembersBinding();
    await expect(call(MEMBER, 'hp.device.binding', 'toggle_active', [[other]])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
  });

  it('refuses a model without an active field (AssertionError) and, clearly, one whose Python overrides it', async () => {
    await expect(call(ADMIN, 'hp.health.record', 'toggle_active', [[1]])).rejects.toMatchObject({ exceptionName: 'builtins.AssertionError', message: "No 'active' field on model hp.health.record" });
    await expect(call(ADMIN, 'res.partner', 'toggle_active', [[7]])).rejects.toMatchObject({ message: expect.stringContaining('Ficus cannot run the business method toggle_active() of res.partner') });
  });
});
