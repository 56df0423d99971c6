import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * A record rule written on a non-stored computed field Ficus has no search method for must
 * deny, never grant: Odoo would run the field's search method, and dropping the leaf (what
 * Odoo does in a user's own domain for fields without one) would show every row the rule hides.
 * `res.users.points_balance` (hp_points) is non-stored and has no search method.
 */
const MEMBER = 6;
let db: TestDatabase;

beforeAll(async () => {
  db = await legacyDatabase();
});
afterAll(async () => db?.drop());

const countUsers = (domain: unknown[]) =>
  createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool } }).call({ database: 'hp_legacy', uid: MEMBER, model: 'res.users', method: 'search_count', args: [domain], kwargs: {} });

describe('record rules on non-stored fields', () => {
  it('drops such a leaf from a user domain, as Odoo does', async () => {
    const all = await countUsers([]);
    expect(all).toBeGreaterThan(0);
    expect(await countUsers([['points_balance', '>', 0]])).toBe(all);
  });

  it('makes a rule leaf on such a field match nothing', async () => {
    const before = await countUsers([]);
    expect(before).toBeGreaterThan(0);
    await db.pool.query(`
      INSERT INTO ir_rule (model_id, name, domain_force, active, perm_read, perm_write, perm_create, perm_unlink, global)
      SELECT id, 'test: users with points', '[(''points_balance'', ''>'', 0)]', true, true, true, true, true, true FROM ir_model WHERE model = 'res.users'`);
    expect(await countUsers([])).toBe(0);
    await db.pool.query(`DELETE FROM ir_rule WHERE name = 'test: users with points'`);
  });
});
