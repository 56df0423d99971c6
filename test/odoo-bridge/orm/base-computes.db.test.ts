import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * Non-stored computes of base, uom and mail that all-fields reads ask for, each from its Python
 * (file named in computed-fields.ts); values agree with the real Odoo 18 on hp_legacy
 * (/tmp/x1/read-summary.py missing 283 → 259 with these).
 */
let db: TestDatabase;
let engine: OrmEngine;
const read = (model: string, ids: number[], fields: string[]) =>
  engine.call({ database: 'hp_legacy', uid: 2, model, method: 'read', args: [ids, fields], kwargs: {} }) as Promise<Array<Record<string, unknown>>>;
const one = async <T>(query: string) => (await db.pool.query(query)).rows[0] as T;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

it('ir.ui.view.model_id: the ir.model of its model', async () => {
  const view = await one<{ id: number; model_id: number; name: string }>(`SELECT v.id, m.id AS model_id, m.name->>'en_US' AS name FROM ir_ui_view v JOIN ir_model m ON m.model = v.model ORDER BY v.id LIMIT 1`);
  expect((await read('ir.ui.view', [view.id], ['model_id']))[0]!.model_id).toEqual([view.model_id, view.name]);
});

it('ir.module.module.dependency: the module of that name and its state, "unknown" without one', async () => {
  const dep = await one<{ id: number; module_id: number; state: string }>(`SELECT d.id, m.id AS module_id, m.state FROM ir_module_module_dependency d JOIN ir_module_module m ON m.name = d.name ORDER BY d.id LIMIT 1`);
  expect((await read('ir.module.module.dependency', [dep.id], ['depend_id', 'state']))[0]).toMatchObject({ depend_id: [dep.module_id, expect.any(String)], state: dep.state });
  const orphan = await one<{ id: number }>(`INSERT INTO ir_module_module_dependency (module_id, name) SELECT id, 'x1_no_such_module' FROM ir_module_module ORDER BY id LIMIT 1 RETURNING id`);
  expect((await read('ir.module.module.dependency', [orphan.id], ['depend_id', 'state']))[0]).toMatchObject({ depend_id: false, state: 'unknown' });
});

it('res.lang.flag_image_url: the country flag of the code', async () => {
  const lang = await one<{ id: number }>(`SELECT id FROM res_lang WHERE code = 'en_US'`);
  expect((await read('res.lang', [lang.id], ['flag_image_url']))[0]!.flag_image_url).toBe('/base/static/img/country_flags/us.png');
});

it('uom.uom.color: 7 for a reference unit, else 0', async () => {
  const units = (await db.pool.query<{ id: number; uom_type: string }>('SELECT id, uom_type FROM uom_uom ORDER BY id LIMIT 5')).rows;
  const got = await read('uom.uom', units.map((u) => u.id), ['color']);
  expect(got.map((r) => r.color)).toEqual(units.map((u) => (u.uom_type === 'reference' ? 7 : 0)));
});

it('ir.sequence.number_next_actual: the PostgreSQL sequence\'s next value once called, number_next before', async () => {
  const seq = await one<{ id: number; number_next: number }>(`SELECT id, number_next FROM ir_sequence WHERE implementation = 'standard' ORDER BY id LIMIT 1`);
  const name = `ir_sequence_${String(seq.id).padStart(3, '0')}`;
  await db.pool.query(`ALTER SEQUENCE ${name} RESTART WITH 41`);
  await db.pool.query(`UPDATE ir_sequence SET number_next = 41 WHERE id = $1`, [seq.id]);
  expect((await read('ir.sequence', [seq.id], ['number_next_actual']))[0]!.number_next_actual).toBe(41);
  await db.pool.query(`SELECT nextval('${name}')`);
  expect((await read('ir.sequence', [seq.id], ['number_next_actual']))[0]!.number_next_actual).toBe(42);
});
