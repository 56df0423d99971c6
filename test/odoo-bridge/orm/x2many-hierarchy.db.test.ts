import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { odooRefDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * `child_of` / `parent_of` on a one2many or many2many field (expression.py: the comodel's ids
 * expanded through its hierarchy, then a membership test) where the comodel keeps a
 * `parent_path` (_parent_store): the expansion is a query inside the comodel's sub-search. The
 * expected ids come from a recursive walk of parent_id written here, not from the compiler.
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
const search = (model: string, domain: unknown[]) => engine.call({ database: 'odoo_ref', uid: ADMIN, model, method: 'search', args: [domain], kwargs: { order: 'id' } }) as Promise<number[]>;

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool } });
  // A three-level tag tree, with partners tagged at each level.
  await db.pool.query(`
    INSERT INTO res_partner_category (id, name, parent_path, active) VALUES (9001, '{"en_US": "Root"}', '9001/', true), (9002, '{"en_US": "Mid"}', '9001/9002/', true), (9003, '{"en_US": "Leaf"}', '9001/9002/9003/', true);
    UPDATE res_partner_category SET parent_id = 9001 WHERE id = 9002; UPDATE res_partner_category SET parent_id = 9002 WHERE id = 9003;
    INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id) SELECT id, 9001 + (id % 3) FROM res_partner WHERE id IN (SELECT id FROM res_partner WHERE active ORDER BY id LIMIT 9);`);
});
afterAll(async () => db?.drop());

async function partnersTagged(categoryIds: number[]): Promise<number[]> {
  const { rows } = await db.pool.query<{ id: number }>(
    `SELECT DISTINCT p.id FROM res_partner p JOIN res_partner_res_partner_category_rel r ON r.partner_id = p.id WHERE p.active AND r.category_id = ANY($1::int4[]) ORDER BY p.id`,
    [categoryIds],
  );
  return rows.map((r) => r.id);
}

describe('hierarchy operators on x2many fields over a parent_store comodel', () => {
  it('child_of a tag takes its descendants, parent_of a tag its ancestors', async () => {
    expect(await search('res.partner', [['category_id', 'child_of', [9002]]])).toEqual(await partnersTagged([9002, 9003]));
    expect(await search('res.partner', [['category_id', 'child_of', 9001]])).toEqual(await partnersTagged([9001, 9002, 9003]));
    expect(await search('res.partner', [['category_id', 'parent_of', [9002]]])).toEqual(await partnersTagged([9001, 9002]));
    expect(await search('res.partner', [['category_id', 'parent_of', [9003]]])).toEqual(await partnersTagged([9001, 9002, 9003]));
    expect(await search('res.partner', [['category_id', 'child_of', 'Mid']])).toEqual(await partnersTagged([9002, 9003]));
  });

  it('models whose record rules use such a leaf answer their searches (ir.attachment as admin)', async () => {
    const ids = await search('ir.attachment', []);
    expect(ids.length).toBeGreaterThan(0);
  });
});
