import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * default_get (odoo/models.py 18): an `_inherits` field without a default of its own is asked of
 * the parent model's default_get (res.users' color, category_id, tz come from res.partner's);
 * res.partner's `_default_category` is `browse(context.category_id)` in write form. Checked
 * against the real Odoo 18 on hp_legacy (/tmp/x1/fam.py default_get).
 */
let db: TestDatabase;
let engine: OrmEngine;
const defaultGet = (model: string, fields: string[], context: object = {}) =>
  engine.call({ database: 'hp_legacy', uid: 2, model, method: 'default_get', args: [fields], kwargs: { context } }) as Promise<Record<string, unknown>>;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

it('res.partner category_id: (6, 0, the context category or nothing)', async () => {
  expect(await defaultGet('res.partner', ['category_id'])).toEqual({ category_id: [[6, 0, []]] });
  expect(await defaultGet('res.partner', ['category_id'], { category_id: 3 })).toEqual({ category_id: [[6, 0, [3]]] });
});

it('res.users: inherited fields take res.partner\'s defaults, after the model\'s own', async () => {
  const got = await defaultGet('res.users', ['color', 'category_id', 'active', 'tz'], { tz: 'Asia/Shanghai' });
  expect(got).toEqual({ active: true, color: 0, category_id: [[6, 0, []]], tz: 'Asia/Shanghai' });
  expect(Object.keys(got)[0]).toBe('active');
  // A context default wins over the parent's.
  expect(await defaultGet('res.users', ['color'], { default_color: 4 })).toEqual({ color: 4 });
});

it('res.users: company_ids the current company, groups_id the default groups in res.groups order, reified fields from them', async () => {
  const template = (await db.pool.query<{ id: number }>(
    `SELECT g.id FROM res_groups g JOIN res_groups_users_rel r ON r.gid = g.id JOIN ir_model_data d ON d.model = 'res.users' AND d.module = 'base' AND d.name = 'default_user' AND d.res_id = r.uid
      ORDER BY g.name->>'en_US', g.id`,
  )).rows.map((r) => r.id);
  const outside = (await db.pool.query<{ id: number }>('SELECT id FROM res_groups WHERE NOT (id = ANY($1::int4[])) ORDER BY id LIMIT 1', [template])).rows[0]!.id;
  const got = await defaultGet('res.users', ['company_ids', 'groups_id']);
  expect(got).toEqual({ company_ids: [[6, 0, [1]]], groups_id: [[6, 0, template]] });
  const reified = await defaultGet('res.users', [`in_group_${template[0]}`, `in_group_${outside}`]);
  expect(reified).toEqual({ groups_id: [[6, 0, template]], [`in_group_${template[0]}`]: true, [`in_group_${outside}`]: false });
});

it('a computed field\'s own default= is answered too (mail res.users notification_type)', async () => {
  expect(await defaultGet('res.users', ['notification_type'])).toEqual({ notification_type: 'email' });
});
