import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * The `xml_id` / `model_data_id` computes (base ir_actions.py, ir_ui_view.py, ir_module.py):
 * the first external id on the model being read ('' without one: ir.actions.actions rows carry
 * theirs under their concrete model), ir.cron's through its server action, and a view's
 * external id record of lowest id labelled with the view's name (ir.model.data's display name).
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

it('actions: module.name on the concrete model, "" on ir.actions.actions', async () => {
  const action = await one<{ id: number; xid: string }>(`SELECT a.id, d.module || '.' || d.name AS xid FROM ir_act_window a JOIN ir_model_data d ON d.model = 'ir.actions.act_window' AND d.res_id = a.id ORDER BY a.id, d.id LIMIT 1`);
  expect((await read('ir.actions.act_window', [action.id], ['xml_id']))[0]!.xml_id).toBe(action.xid);
  expect((await read('ir.actions.actions', [action.id], ['xml_id']))[0]!.xml_id).toBe('');
});

it('ir.cron: its server action\'s external id', async () => {
  const cron = await one<{ id: number; xid: string }>(`SELECT c.id, d.module || '.' || d.name AS xid FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.actions.server' AND d.res_id = c.ir_actions_server_id ORDER BY c.id, d.id LIMIT 1`);
  expect((await read('ir.cron', [cron.id], ['xml_id']))[0]!.xml_id).toBe(cron.xid);
});

it('ir.ui.view: xml_id and model_data_id [id, view name]', async () => {
  const view = await one<{ id: number; name: string; xid: string; data_id: number }>(
    `SELECT v.id, v.name, d.module || '.' || d.name AS xid, d.id AS data_id FROM ir_ui_view v JOIN ir_model_data d ON d.model = 'ir.ui.view' AND d.res_id = v.id ORDER BY v.id, d.id LIMIT 1`,
  );
  expect((await read('ir.ui.view', [view.id], ['xml_id', 'model_data_id']))[0]).toMatchObject({ xml_id: view.xid, model_data_id: [view.data_id, view.name] });
});
