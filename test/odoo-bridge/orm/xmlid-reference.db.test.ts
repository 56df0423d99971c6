import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createAccessPolicy } from '../../../odoo-bridge/orm/index.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * ir.model.data.check_object_reference (base/models/ir_model.py), what odoorpc's env.ref calls:
 * the external id's (model, res_id) when the caller's own search finds the record (ACL, record
 * rules, active_test), else (model, False) or Odoo's AccessError when asked to raise.
 */
const MEMBER = 6;
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, access: createAccessPolicy({ name: 'hp_legacy', pool: db.pool }), filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const reference = (uid: number, args: unknown[], model = 'ir.model.data') =>
  engine.call({ database: 'hp_legacy', uid, model, method: 'check_object_reference', args, kwargs: {} });

describe('ir.model.data.check_object_reference', () => {
  it('answers (model, res_id) for a record the caller finds', async () => {
    expect(await reference(MEMBER, ['base', 'main_company'])).toEqual(['res.company', 1]);
    expect(await reference(MEMBER, ['base', 'user_admin'])).toEqual(['res.users', 2]);
  });

  it('answers (model, False) for a record the caller does not find: archived (active_test) or outside the record rules', async () => {
    expect(await reference(MEMBER, ['base', 'public_user'])).toEqual(['res.users', false]);
    // res.users.settings: a user reads only their own settings (the admin's are not the member's).
    expect(await reference(MEMBER, ['base', 'user_admin_settings'])).toEqual(['res.users.settings', false]);
    expect(await reference(2, ['base', 'user_admin_settings'])).toEqual(['res.users.settings', 1]);
  });

  it("raises Odoo's AccessError instead when raise_on_access_error is true", async () => {
    await expect(reference(MEMBER, ['base', 'public_user', true])).rejects.toMatchObject({
      exceptionName: 'odoo.exceptions.AccessError',
      message: 'Not enough access rights on the external ID "base.public_user"',
    });
  });

  it('refuses an unknown external id with ValueError, splitting "module.xml_id" at its first dot as _xmlid_lookup does', async () => {
    await expect(reference(MEMBER, ['base', 'no_such_id'])).rejects.toMatchObject({ exceptionName: 'builtins.ValueError', message: 'External ID not found in the system: base.no_such_id' });
    await expect(reference(MEMBER, ['base.main', 'company'])).rejects.toMatchObject({ message: 'External ID not found in the system: base.main.company' });
  });

  it('exists on ir.model.data only', async () => {
    await expect(reference(MEMBER, ['base', 'main_company'], 'res.partner')).rejects.toMatchObject({ message: "The method 'check_object_reference' does not exist on the model 'res.partner'" });
  });
});
