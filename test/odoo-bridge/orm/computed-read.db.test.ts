import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { superuserPolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { displayAddress, inlineAddress } from '../../../odoo-bridge/orm/read/computed-fields.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * Read-side computes clients touch constantly, against what Odoo 18 answered (golden read.013
 * for the partner addresses, read.057 for the variant count) and the rules of their sources;
 * and the rule that a field Ficus cannot compute never fails a read of other fields.
 */
let db: TestDatabase;
let engine: OrmEngine;
beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, access: superuserPolicy(db.pool), filestore: testFilestores().odooRef });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const read = (model: string, ids: number[], fields: string[]) =>
  engine.call({ database: 'odoo_ref', uid: 2, model, method: 'read', args: [ids, fields], kwargs: {} }) as Promise<Record<string, unknown>[]>;

describe('computed fields read like Odoo', () => {
  it('res.partner contact_address and contact_address_inline (golden read.013)', async () => {
    const [row] = await read('res.partner', [15], ['contact_address', 'contact_address_inline']);
    expect(row).toEqual({
      id: 15,
      contact_address: 'Azure Interior\n4557 De Silva St\n\nFremont CA 94538\nUnited States',
      contact_address_inline: 'Azure Interior, 4557 De Silva St, Fremont CA 94538, United States',
    });
  });

  it('formats addresses Python-%-style: unknown keys empty, no company line without one', () => {
    const args = { format: '%(zip)s %(city)s\n%(country_name)s %(nope)s 100%%', street: null, street2: null, zip: '1000', city: 'Brussels', state_code: null, state_name: null, country_code: 'BE', country_name: 'Belgium', company_name: null };
    expect(displayAddress(args)).toBe('1000 Brussels\nBelgium  100%');
    // Python strips whitespace first, then commas: the spaces inside the commas stay.
    expect(inlineAddress('\n  a\n\n b \n')).toBe(' a, b ');
  });

  it('product.template product_variant_count counts the active variants (golden read.057)', async () => {
    expect((await read('product.template', [23], ['product_variant_count']))[0]!.product_variant_count).toBe(2);
    await db.pool.query('UPDATE product_product SET active = false WHERE id = (SELECT min(id) FROM product_product WHERE product_tmpl_id = 23)');
    expect((await read('product.template', [23], ['product_variant_count']))[0]!.product_variant_count).toBe(1);
  });

  it('res.users login_date is the latest log entry, totp_enabled whether a secret is set', async () => {
    await db.pool.query(`INSERT INTO res_users_log (create_uid, write_uid, create_date, write_date) VALUES (2, 2, '2030-01-02 03:04:05.678', now()), (2, 2, '2029-01-01 00:00:00', now())`);
    await db.pool.query(`UPDATE res_users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = 6`);
    const rows = await read('res.users', [2, 6], ['login_date', 'totp_enabled']);
    // The later-inserted (higher id) log wins, as log_ids is ordered by id desc.
    expect(rows[0]).toMatchObject({ id: 2, login_date: '2029-01-01 00:00:00', totp_enabled: false });
    expect(rows[1]).toMatchObject({ id: 6, totp_enabled: true });
  });

  it('an empty properties field reads as [] when its definition is empty', async () => {
    expect((await read('product.template', [23], ['product_properties']))[0]!.product_properties).toEqual([]);
  });
});

describe('a field Ficus cannot compute', () => {
  // account.journal's kanban_dashboard (account): the journal dashboard's JSON, built by Python over moves and statements.
  it('refuses a read that names it beside other fields: Odoo answers every named field, so leaving it out would be wrong', async () => {
    const error = await read('account.journal', [1], ['name', 'kanban_dashboard']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OdooError);
    expect((error as OdooError).message).toMatch(/^Ficus cannot run the computed field kanban_dashboard of account.journal/);
  });

  it('is refused clearly when it is all the read asks for', async () => {
    const error = await read('account.journal', [1], ['kanban_dashboard']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OdooError);
    expect((error as OdooError).message).toMatch(/^Ficus cannot run the computed field kanban_dashboard of account.journal/);
  });

  it('is left out of an all-fields read, which names only what Ficus can answer', async () => {
    const [row] = (await engine.call({ database: 'odoo_ref', uid: 2, model: 'account.journal', method: 'read', args: [[1]], kwargs: {} })) as Record<string, unknown>[];
    expect(row).toMatchObject({ id: 1, name: 'Customer Invoices', code: 'INV' });
    expect(row).not.toHaveProperty('kanban_dashboard');
  });

  it('never fails an all-fields read, even through _inherits (res.users → res.partner avatars)', async () => {
    const [user] = (await engine.call({ database: 'odoo_ref', uid: 2, model: 'res.users', method: 'read', args: [[2]], kwargs: {} })) as Record<string, unknown>[];
    expect(user).toMatchObject({ id: 2, login: 'admin', totp_enabled: false });
    expect(typeof user!.login_date).toBe('string');
    const [template] = (await engine.call({ database: 'odoo_ref', uid: 2, model: 'product.template', method: 'read', args: [[23]], kwargs: {} })) as Record<string, unknown>[];
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM product_product WHERE product_tmpl_id = 23 AND active');
    expect(template).toMatchObject({ id: 23, product_variant_count: rows[0]!.n, product_properties: [] });
  });
});
