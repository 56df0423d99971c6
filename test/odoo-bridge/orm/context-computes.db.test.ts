import { afterAll, beforeAll, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * Computes that depend on the context (`@api.depends_context`): res.users.user_group_warning
 * (base res_users.py UsersView) is False unless `show_user_group_warning` is set, so an
 * all-fields read of users answers it (the real Odoo 18 does: '' in export, False in read);
 * with the flag, Python composes warnings Ficus does not, and the read is refused clearly.
 */
let db: TestDatabase;
let engine: OrmEngine;
const read = (fields: string[] | undefined, context: object = {}) =>
  engine.call({ database: 'hp_legacy', uid: 2, model: 'res.users', method: 'read', args: fields ? [[2], fields] : [[2]], kwargs: { context } }) as Promise<Array<Record<string, unknown>>>;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

it('user_group_warning: False without show_user_group_warning, in an all-fields read too', async () => {
  expect((await read(['user_group_warning']))[0]!.user_group_warning).toBe(false);
  expect((await read(undefined))[0]).toHaveProperty('user_group_warning', false);
});

it('user_group_warning with show_user_group_warning: the clear refusal', async () => {
  const error = await read(['user_group_warning'], { show_user_group_warning: true }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OdooError);
  expect((error as OdooError).message).toMatch(/^Ficus cannot run the computed field user_group_warning with show_user_group_warning of res\.users/);
});
