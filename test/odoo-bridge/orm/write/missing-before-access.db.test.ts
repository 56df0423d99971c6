import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * A `write`/`unlink` override that always reads the records before its super() call (extracted
 * as `writeBeforeSuper` / `unlinkBeforeSuper` by scripts/extract-python-field-facts.py) meets a
 * deleted id before BaseModel's access check: real Odoo 18 answers a member MissingError for
 * mail's res.users unlink (`_unsubscribe_from_non_public_channels` reads partner_id) and
 * res.lang write (`self.mapped('code')`), where the member has no right to either operation;
 * for an existing record the access check answers. A model the member may not even read answers
 * the read's AccessError. /tmp/x1/missing-probe.py over every hp_legacy model: 31 -> 25 differ.
 */
const MEMBER = 6;
let db: TestDatabase;
let engine: OrmEngine;
const failure = async (model: string, method: string, args: unknown[]) => {
  try {
    await engine.call({ database: 'hp_legacy', uid: MEMBER, model, method, args, kwargs: {} });
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool } });
});
afterAll(async () => db?.drop());

describe('deleted ids read by an override before the access check', () => {
  it('MissingError before the unlink/write right when the override reads first', async () => {
    expect(await failure('res.users', 'unlink', [[999999]])).toEqual({
      name: 'odoo.exceptions.MissingError',
      message: `Record does not exist or has been deleted.\n(Record: res.users(999999,), User: ${MEMBER})`,
    });
    expect((await failure('res.lang', 'write', [[999999], { name: 'x' }])).name).toBe('odoo.exceptions.MissingError');
  });

  it('an existing record still meets the access check; a model the caller cannot read answers the read AccessError', async () => {
    const existing = await failure('res.users', 'unlink', [[MEMBER]]);
    expect(existing.name).toBe('odoo.exceptions.AccessError');
    expect(existing.message).toMatch(/^You are not allowed to delete 'User' \(res\.users\) records\./);
    const unreadable = await failure('ir.model', 'unlink', [[999999]]);
    expect(unreadable.name).toBe('odoo.exceptions.AccessError');
    expect(unreadable.message).toMatch(/^You are not allowed to access 'Models' \(ir\.model\) records\./);
  });
});
