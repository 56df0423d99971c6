import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * write/unlink of deleted ids when the record rules come down to a constant (models.py
 * `_check_access` + `filtered_domain`, ir.rule `_compute_domain` with expression.OR/AND):
 * - admin on hp.auth.token: the member rule `user_id = user` OR the operator rule `(1, '=', 1)`
 *   is TRUE, nothing reads the records, the missing ids are a no-op (golden seq_tokens#25/40/42);
 * - a global rule `[(0, '=', 1)]` makes it FALSE: every id is refused with the record-rule
 *   AccessError, deleted ones included, never a MissingError (checked against Odoo 18).
 */
const ADMIN = 2;
const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};

describe('deleted ids under constant record rules', () => {
  let plain: TestDatabase;
  let refusing: TestDatabase;
  let plainEngine: OrmEngine;
  let refusingEngine: OrmEngine;
  const call = (engine: OrmEngine, method: string, args: unknown[]) => engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.auth.token', method, args, kwargs: {} });
  const scopeOf = async (db: TestDatabase, id: number) => (await db.pool.query<{ scope: string }>('SELECT scope FROM auth_tokens WHERE id = $1', [id])).rows[0]?.scope;

  beforeAll(async () => {
    [plain, refusing] = await Promise.all([legacyDatabase(), legacyDatabase()]);
    await refusing.pool.query(`INSERT INTO ir_rule (name, model_id, domain_force, active, perm_read, perm_write, perm_create, perm_unlink, global)
      SELECT 'refuse writes', id, '[(0, ''='', 1)]', true, false, true, false, true, true FROM ir_model WHERE model = 'hp.auth.token'`);
    plainEngine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: plain.pool } });
    refusingEngine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: refusing.pool } });
  });
  afterAll(async () => {
    await Promise.all([plain?.drop(), refusing?.drop()]);
  });

  it('TRUE rules: a deleted id is skipped, the existing ones are written', async () => {
    expect(await call(plainEngine, 'write', [[99999], { scope: 'x' }])).toBe(true);
    expect(await call(plainEngine, 'write', [[1, 99999], { scope: 'renamed' }])).toBe(true);
    expect(await scopeOf(plain, 1)).toBe('renamed');
    expect(await call(plainEngine, 'unlink', [[99999]])).toBe(true);
    expect(await call(plainEngine, 'unlink', [[2, 99999]])).toBe(true);
    expect(await scopeOf(plain, 2)).toBeUndefined();
  });

  it('FALSE rules: every id is refused by the record rule, a deleted one too, and nothing changes', async () => {
    for (const ids of [[99999], [1, 99999], [1]]) {
      const write = await errorOf(call(refusingEngine, 'write', [ids, { scope: 'x' }]));
      expect(write.name).toBe('odoo.exceptions.AccessError');
      expect(write.message).toContain("Sorry, Administrator (id=2) doesn't have 'write' access to:\n- Platform Auth Token (hp.auth.token)");
      const unlink = await errorOf(call(refusingEngine, 'unlink', [ids]));
      expect(unlink.name).toBe('odoo.exceptions.AccessError');
      expect(unlink.message).toContain("doesn't have 'unlink' access to:");
    }
    expect(await scopeOf(refusing, 1)).toBe('device-sync');
    // Reading is not concerned by the rule (perm_read off).
    expect(await call(refusingEngine, 'read', [[1, 99999], ['scope']])).toEqual([{ id: 1, scope: 'device-sync' }]);
  });
});
