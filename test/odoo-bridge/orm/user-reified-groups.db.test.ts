import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import recorded from './user-reified-groups.recorded.json' with { type: 'json' };

/**
 * res.users' reified group fields, against what Odoo 18 answered on hp_legacy (recorded with
 * XML-RPC as admin: `fields_get(attributes=['type'])` and `read` of users 2, 6, 246, 286, 302).
 */
let db: TestDatabase;
let engine: OrmEngine;
beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const call = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid, model: 'res.users', method, args, kwargs }) as Promise<any>;
const reified = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([k]) => /^(in_group_|sel_groups_)/.test(k)));

describe('res.users reified group fields', () => {
  it('fields_get describes them after the real fields, in application order, in full whatever attributes asks', async () => {
    const described = await call(2, 'fields_get', [], { attributes: ['type'] });
    expect(reified(described)).toEqual(recorded.fields_get);
    const names = Object.keys(described);
    expect(names.slice(-Object.keys(recorded.fields_get).length)).toEqual(Object.keys(recorded.fields_get));
    // A member sees the same fields (fields_get reads the groups as superuser).
    expect(Object.keys(reified(await call(6, 'fields_get', [], { attributes: ['string'] })))).toEqual(Object.keys(recorded.fields_get));
    // allfields names the ones wanted; they still come in application order.
    expect(Object.keys(await call(2, 'fields_get', [['name', 'in_group_3', 'sel_groups_1_10_11']]))).toEqual(['name', 'sel_groups_1_10_11', 'in_group_3']);
  });

  it('read answers them from groups_id: asked for by name, or all of them for a read of every field', async () => {
    const names = Object.keys(recorded.fields_get);
    expect(await call(2, 'read', [[2, 6, 246, 286, 302], names])).toEqual(recorded.read);
    const [everything] = await call(2, 'read', [[6]]);
    expect(reified(everything)).toEqual(reified(recorded.read[1]!));
    expect(everything.groups_id).toEqual(expect.any(Array));
    // groups_id is read for them and dropped unless asked for.
    expect(await call(2, 'read', [[6], ['in_group_12']])).toEqual([{ id: 6, in_group_12: true }]);
    expect(Object.keys((await call(2, 'read', [[6], ['groups_id', 'in_group_12']]))[0])).toEqual(['id', 'groups_id', 'in_group_12']);
  });

  it('search_read drops them, as `_read_format` does; a malformed name is the ValueError of int()', async () => {
    expect(await call(2, 'search_read', [[['id', '=', 6]], ['name', 'in_group_12']])).toEqual([{ id: 6, name: expect.any(String) }]);
    await expect(call(2, 'read', [[6], ['in_group_x']])).rejects.toMatchObject({ exceptionName: 'builtins.ValueError', message: "invalid literal for int() with base 10: 'x'" });
  });
});
