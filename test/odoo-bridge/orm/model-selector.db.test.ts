import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createAccessPolicy } from '../../../odoo-bridge/orm/index.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * ir.model's model selector (addons/web/models/ir_model.py): get_available_models lists the
 * models an internal user may read, neither transient nor abstract, with ir.model's names in
 * ir.model's order; display_name_for answers the same for a list, the refused ones by their
 * technical name. odooly calls get_available_models for every user right after its login.
 */
const MEMBER = 6;
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, access: createAccessPolicy({ name: 'hp_legacy', pool: db.pool }), filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

type Named = { display_name: string; model: string };
const call = (uid: number, method: string, args: unknown[] = [], model = 'ir.model') =>
  engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs: {} });
const canRead = async (uid: number, model: string) =>
  (await call(uid, 'check_access_rights', ['read', false], model)) as boolean;

describe('ir.model.get_available_models', () => {
  it('lists exactly the readable, stored, non-transient models, named and ordered as ir.model', async () => {
    const { rows } = await db.pool.query<{ model: string; name: string; transient: boolean }>(
      `SELECT model, name->>'en_US' AS name, COALESCE(transient, false) AS transient FROM ir_model ORDER BY model`,
    );
    for (const uid of [MEMBER, ADMIN]) {
      const listed = (await call(uid, 'get_available_models')) as Named[];
      expect(listed.map((m) => m.model)).toEqual([...listed.map((m) => m.model)].sort());
      const names = new Map(rows.map((r) => [r.model, r.name]));
      for (const entry of listed) {
        expect(entry.display_name).toBe(names.get(entry.model));
        expect(rows.find((r) => r.model === entry.model)!.transient).toBe(false);
        expect(await canRead(uid, entry.model)).toBe(true);
      }
      // A readable, non-transient model left out is an abstract one: it has no records to count.
      const listedSet = new Set(listed.map((m) => m.model));
      for (const row of rows.filter((r) => !r.transient && !listedSet.has(r.model))) {
        if (await canRead(uid, row.model)) await expect(call(ADMIN, 'search_count', [[]], row.model), row.model).rejects.toBeTruthy();
      }
    }
    const member = new Set(((await call(MEMBER, 'get_available_models')) as Named[]).map((m) => m.model));
    const admin = new Set(((await call(ADMIN, 'get_available_models')) as Named[]).map((m) => m.model));
    expect(member.has('hp.health.record')).toBe(true);
    expect(member.has('hp.risk.rule')).toBe(false);
    expect(admin.has('hp.risk.rule')).toBe(true);
    expect([...member].every((m) => admin.has(m))).toBe(true);
    expect(member.has('mail.thread')).toBe(false); // abstract
  });

  it('gives a share (portal or public) user nothing', async () => {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id FROM res_users WHERE share ORDER BY id LIMIT 1`);
    expect(rows.length).toBe(1);
    expect(await call(rows[0]!.id, 'get_available_models')).toEqual([]);
  });

  it('display_name_for names the allowed models and echoes the others by technical name, allowed first', async () => {
    expect(await call(MEMBER, 'display_name_for', [['hp.risk.rule', 'no.such.model', 'hp.health.goal']])).toEqual([
      { display_name: 'Health Goal', model: 'hp.health.goal' },
      { display_name: 'hp.risk.rule', model: 'hp.risk.rule' },
      { display_name: 'no.such.model', model: 'no.such.model' },
    ]);
  });

  it('exists on ir.model only', async () => {
    await expect(call(ADMIN, 'get_available_models', [], 'res.partner')).rejects.toMatchObject({ message: "The method 'get_available_models' does not exist on the model 'res.partner'" });
  });
});
