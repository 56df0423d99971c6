import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserPolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { odooRefDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * name_search and `display_name` searches by Odoo 18's rules (models.py `name_search` /
 * `_search_display_name` and the overrides of res_partner.py, res_users.py + web's
 * res_users.py, res_country.py, product_product.py, account_account.py). Expected sets are
 * computed here with plain SQL from those rules.
 */
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, access: superuserPolicy(db.pool), filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

type Pair = [number, string];
function nameSearch(model: string, name: string, operator = 'ilike', limit: number | null = 100, args: unknown[] = [], uid = 2): Promise<Pair[]> {
  return engine.call({ database: 'odoo_ref', uid, model, method: 'name_search', args: [], kwargs: { name, args, operator, limit } }) as Promise<Pair[]>;
}
async function ids(query: string, params: unknown[] = []): Promise<number[]> {
  return (await db.pool.query<{ id: number }>(query, params)).rows.map((r) => r.id).sort((a, b) => a - b);
}
const sorted = (pairs: Pair[]) => pairs.map(([id]) => id).sort((a, b) => a - b);

/** `field not ilike %v%` as Odoo writes it: NULL counts as not matching. */
const notLike = (field: string) => `(${field} IS NULL OR ${field} NOT ILIKE $1)`;

describe('negative operators mean "not matching" over _rec_names_search', () => {
  it('res.partner not ilike: the partners child_of those matching none of the fields', async () => {
    const fields = ['complete_name', 'email', 'ref', 'vat', 'company_registry'];
    const expected = await ids(
      `WITH RECURSIVE seeds AS (SELECT id FROM res_partner WHERE active AND ${fields.map(notLike).join(' AND ')}),
            tree(id) AS (SELECT id FROM seeds UNION SELECT p.id FROM res_partner p JOIN tree ON p.parent_id = tree.id)
       SELECT p.id FROM res_partner p JOIN tree ON tree.id = p.id WHERE p.active`,
      ['%azure%'],
    );
    const got = await nameSearch('res.partner', 'azure', 'not ilike', null);
    expect(sorted(got)).toEqual(expected);
    expect(got.some(([, name]) => /azure/i.test(name))).toBe(false);
    expect(got.length).toBeGreaterThan(5);
  });

  it('res.partner != : every field differs (no child_of for non-like operators)', async () => {
    const got = await nameSearch('res.partner', 'Azure Interior', '!=', null);
    const expected = await ids(`SELECT id FROM res_partner WHERE active AND complete_name IS DISTINCT FROM 'Azure Interior'`);
    expect(sorted(got)).toEqual(expected);
  });

  it('res.country not ilike: neither the name nor the code matches, in _order', async () => {
    const got = await nameSearch('res.country', 'an', 'not ilike', null);
    const expected = await ids(`SELECT id FROM res_country WHERE (name->>'en_US') NOT ILIKE '%an%' AND code NOT ILIKE '%an%'`);
    expect(sorted(got)).toEqual(expected);
    const names = got.map(([, name]) => name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('res.users not in / != exclude by name and login', async () => {
    const got = await nameSearch('res.users', 'admin', 'not ilike', null);
    const expected = await ids(`SELECT u.id FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.active AND p.name NOT ILIKE '%admin%' AND u.login NOT ILIKE '%admin%'`);
    expect(sorted(got)).toEqual(expected);
  });
});

describe('name_search steps of the models that override it', () => {
  it('res.users: a login answers that user alone', async () => {
    expect(await nameSearch('res.users', 'demo')).toEqual([[6, 'Marc Demo']]);
  });

  it('res.users (web): the current user comes first, or replaces the last of a full page', async () => {
    const all = await nameSearch('res.users', '', 'ilike', null, [], 6);
    expect(all[0]![0]).toBe(6);
    const page = await nameSearch('res.users', '', 'ilike', 1, [['id', '!=', 6]], 6);
    expect(page.length).toBe(1);
    expect(page[0]![0]).not.toBe(6); // the args exclude the current user: nothing to move
  });

  it('res.country: a 2-letter name finds the code first, then the names', async () => {
    const got = await nameSearch('res.country', 'be');
    const [first] = await ids(`SELECT id FROM res_country WHERE code ILIKE '%be%'`);
    expect(got[0]![0]).toBe(first);
    const rest = await ids(`SELECT id FROM res_country WHERE code NOT ILIKE '%be%' AND ((name->>'en_US') ILIKE '%be%')`);
    expect(sorted(got.slice(1))).toEqual(rest);
  });

  it('res.country with limit: the code match counts against the limit', async () => {
    expect((await nameSearch('res.country', 'be', 'ilike', 1)).length).toBe(1);
  });

  it('product.product: an exact internal reference answers before the name matches', async () => {
    const { rows } = await db.pool.query<{ id: number; default_code: string }>(`SELECT id, default_code FROM product_product WHERE default_code IS NOT NULL AND active ORDER BY id LIMIT 1`);
    const product = rows[0]!;
    const got = await nameSearch('product.product', product.default_code);
    expect(got.map(([id]) => id)).toEqual(await ids(`SELECT id FROM product_product WHERE active AND default_code = $1`, [product.default_code]));
  });
});
