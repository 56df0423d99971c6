import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * Non-stored computes of product and res.currency that an all-fields read (odoorpc, the web
 * client) asks for, as product_template.py / res_currency.py compute them. The expected values
 * are real Odoo 18's on hp_legacy (read of products 1-3 and the currencies, /tmp/x1/read-detail.py),
 * and follow the configuration they depend on (ir.config_parameter, a company's currency).
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
const read = (model: string, ids: number[], fields: string[]) =>
  engine.call({ database: 'hp_legacy', uid: ADMIN, model, method: 'read', args: [ids, fields], kwargs: {} }) as Promise<Record<string, unknown>[]>;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool } });
});
afterAll(async () => db?.drop());

describe('product and currency computes', () => {
  it('products: variant flag, uom names from the parameters, cost currency, first variant', async () => {
    const fields = ['is_product_variant', 'weight_uom_name', 'volume_uom_name', 'cost_currency_id', 'product_variant_id'];
    const [template] = await read('product.template', [1], fields);
    expect(template).toEqual({ id: 1, is_product_variant: false, weight_uom_name: 'kg', volume_uom_name: 'm³', cost_currency_id: [6, 'CNY'], product_variant_id: [1, '[HP-SUP-001] Vitamin D3 维生素D3'] });
    const [variant] = await read('product.product', [1], fields);
    expect(variant).toEqual({ ...template, is_product_variant: true });

    await db.pool.query(`INSERT INTO ir_config_parameter (key, value) VALUES ('product.weight_in_lbs', '1'), ('product.volume_in_cubic_feet', '1')`);
    const [imperial] = await read('product.template', [1], ['weight_uom_name', 'volume_uom_name']);
    expect(imperial).toEqual({ id: 1, weight_uom_name: 'lb', volume_uom_name: 'ft³' });
    await db.pool.query(`DELETE FROM ir_config_parameter WHERE key IN ('product.weight_in_lbs', 'product.volume_in_cubic_feet')`);
  });

  it("a template's barcode is its only variant's; the company's mail addresses follow its alias domain", async () => {
    const [single] = await read('product.template', [1], ['barcode']);
    const variant = (await db.pool.query<{ barcode: string | null }>('SELECT barcode FROM product_product WHERE product_tmpl_id = 1 AND active')).rows;
    expect(single).toEqual({ id: 1, barcode: variant.length === 1 ? variant[0]!.barcode || false : false });
    const fields = ['bounce_email', 'bounce_formatted', 'catchall_email', 'catchall_formatted', 'email_formatted'];
    expect(await read('res.company', [1], fields)).toEqual([{ id: 1, bounce_email: '', bounce_formatted: '', catchall_email: '', catchall_formatted: '', email_formatted: '' }]);
    const domain = (await db.pool.query<{ id: number }>(
      `INSERT INTO mail_alias_domain (name, bounce_alias, catchall_alias, default_from, sequence) VALUES ('hp.example', 'bounce', 'catchall', 'notifications', 1) RETURNING id`,
    )).rows[0]!.id;
    await db.pool.query('UPDATE res_company SET alias_domain_id = $1 WHERE id = 1', [domain]);
    const name = (await db.pool.query<{ name: string }>('SELECT name FROM res_company WHERE id = 1')).rows[0]!.name;
    const [company] = await read('res.company', [1], fields);
    expect(company).toMatchObject({ bounce_email: 'bounce@hp.example', catchall_email: 'catchall@hp.example' });
    // formataddr with its default utf-8 charset: the name quoted as it is, non-ASCII too ("HealthPlus Platform 健康家").
    const formatted = (email: string) => `"${name}" <${email}>`;
    expect(company!.bounce_formatted).toBe(formatted('bounce@hp.example'));
    expect(company!.catchall_formatted).toBe(formatted('catchall@hp.example'));
    const partnerEmail = (await db.pool.query<{ email: string | null }>('SELECT p.email FROM res_partner p JOIN res_company c ON c.partner_id = p.id WHERE c.id = 1')).rows[0]!.email;
    if (!partnerEmail) expect(company!.email_formatted).toBe(formatted('catchall@hp.example'));
  });

  it("currencies: latest rate date, the company's currency, inverse rate and rate string", async () => {
    const rows = await read('res.currency', [1, 6], ['name', 'date', 'is_current_company_currency', 'inverse_rate', 'rate_string']);
    expect(rows.find((r) => r.id === 6)).toMatchObject({ name: 'CNY', is_current_company_currency: true, rate_string: '' });
    const usd = rows.find((r) => r.id === 1)!;
    const rate = (await db.pool.query<{ rate: number | null }>(`SELECT rate FROM res_currency_rate WHERE currency_id = 1 AND name <= current_date ORDER BY company_id NULLS LAST, name DESC LIMIT 1`)).rows[0]?.rate ?? 1;
    const date = (await db.pool.query<{ d: string | null }>(`SELECT to_char(max(name), 'YYYY-MM-DD') AS d FROM res_currency_rate WHERE currency_id = 1`)).rows[0]!.d;
    expect(usd).toMatchObject({ is_current_company_currency: false, date: date ?? false, rate_string: `1 CNY = ${Number(rate).toFixed(6)} USD` });
    const inverse = usd.inverse_rate as { value?: number } | number;
    expect(typeof inverse === 'object' ? inverse.value : inverse).toBeCloseTo(1 / Number(rate), 9);
  });
});
