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
