import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainMembers, startMallSides, stockProducts, type MallSides } from './orders-sides.ts';

/**
 * GET /products: the mall catalogue read where M09's rows live (here svc_ec after cutover, with
 * its read-only copy of Odoo's product tables), as Odoo shows product.product: the variant's
 * display name with its attribute values, lst_price = list_price + price_extra, the health
 * category of its template, availability summed over the warehouses; search, filters, sort and
 * pages; product.product's ACL and record rules decide what is listed.
 */
let sides: MallSides;
let member: number;
let tmpl: number;
let small: number;
let medium: number;

const expectedCatalogue = async () =>
  (await sides.service.query<{ id: number; code: string | null; name: string; category: string | null; list: string; available: number; stocked: boolean }>(
    `SELECT pp.id, pp.default_code AS code, pt.name->>'en_US' AS name, pt.hp_health_category AS category, pt.list_price::text AS list,
            coalesce((SELECT sum(quantity - reserved) FROM inventories i WHERE i.product_id = pp.id), 0)::float8 AS available,
            EXISTS (SELECT 1 FROM inventories i WHERE i.product_id = pp.id) AS stocked
       FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active ORDER BY pp.id`)).rows;

beforeAll(async () => {
  sides = await startMallSides('service');
  [member] = await plainMembers(sides.service, 1) as [number];
  const db = sides.service;
  // A template with two variants of a multi-value attribute (Size: S, M +5.50) and a single-value one (Colour: Blue), which Odoo leaves out of the name.
  tmpl = (await db.query(`INSERT INTO product_template (id, name, type, list_price, sale_ok, purchase_ok, active, uom_id, uom_po_id, categ_id, hp_health_category, default_code, service_tracking)
      SELECT (SELECT max(id) + 1 FROM product_template), '{"en_US": "Yoga Mat 瑜伽垫"}'::jsonb, type, 100.00, true, true, true, uom_id, uom_po_id, categ_id, 'fitness', NULL, service_tracking FROM product_template WHERE id = 1 RETURNING id`)).rows[0].id;
  const size = (await db.query(`INSERT INTO product_attribute (id, name, create_variant, display_type, sequence, active) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM product_attribute), '{"en_US": "Size"}', 'always', 'radio', 1, true) RETURNING id`)).rows[0].id;
  const colour = (await db.query(`INSERT INTO product_attribute (id, name, create_variant, display_type, sequence, active) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM product_attribute), '{"en_US": "Colour"}', 'always', 'radio', 2, true) RETURNING id`)).rows[0].id;
  const value = async (attribute: number, name: string, sequence: number) =>
    (await db.query(`INSERT INTO product_attribute_value (id, name, attribute_id, sequence, is_custom, active, default_extra_price) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM product_attribute_value), $1::jsonb, $2, $3, false, true, 0) RETURNING id`, [JSON.stringify({ en_US: name }), attribute, sequence])).rows[0].id as number;
  const [s, m, blue] = [await value(size, 'S', 1), await value(size, 'M', 2), await value(colour, 'Blue', 1)];
  // Attribute lines are the template's (product_template_attribute_line, not in svc_ec's copy): their ids are what the values share.
  const [sizeLine, colourLine] = [900001, 900002];
  const ptav = async (valueId: number, lineId: number, attribute: number, extra: string) =>
    (await db.query('INSERT INTO product_template_attribute_value (id, product_attribute_value_id, attribute_line_id, product_tmpl_id, attribute_id, price_extra, ptav_active) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM product_template_attribute_value), $1, $2, $3, $4, $5, true) RETURNING id', [valueId, lineId, tmpl, attribute, extra])).rows[0].id as number;
  const [ptavS, ptavM, ptavBlue] = [await ptav(s, sizeLine, size, '0'), await ptav(m, sizeLine, size, '5.50'), await ptav(blue, colourLine, colour, '1.00')];
  const variant = async (code: string, values: number[]) => {
    const id = (await db.query('INSERT INTO product_product (id, product_tmpl_id, default_code, active) VALUES ((SELECT max(id) + 1 FROM product_product), $1, $2, true) RETURNING id', [tmpl, code])).rows[0].id as number;
    for (const v of values) await db.query('INSERT INTO product_variant_combination (product_product_id, product_template_attribute_value_id) VALUES ($1, $2)', [id, v]);
    return id;
  };
  small = await variant('MAT-S', [ptavS, ptavBlue]);
  medium = await variant('MAT-M', [ptavM, ptavBlue]);
  await stockProducts(db, new Map([[small, [{ warehouse: 'BJ-01', quantity: 7 }, { warehouse: 'SH-01', quantity: 3 }]]]));
  await db.query(`UPDATE inventories SET reserved = 2 WHERE product_id = $1 AND warehouse = 'BJ-01'`, [small]);
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('GET /products', () => {
  it('lists every active variant with its price, category and stock, variants named as Odoo names them', async () => {
    const expected = await expectedCatalogue();
    const page = await sides.rest('GET', '/products?limit=200', member);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(expected.length);
    const byId = new Map(page.body.items.map((p: any) => [p.id, p]));
    for (const row of expected) {
      const item = byId.get(row.id) as any;
      expect(item, `product ${row.id}`).toBeDefined();
      expect(item.healthCategory).toBe(row.category);
      expect(item.availability).toMatchObject({ available: row.available, stocked: row.stocked });
      expect(item.currency).toBe('CNY');
      if (row.id !== small && row.id !== medium) {
        expect([item.lstPrice, item.priceExtra, item.displayName]).toEqual([row.list, '0', row.code ? `[${row.code}] ${row.name}` : row.name]);
      }
    }
    expect(byId.get(small)).toMatchObject({
      templateId: tmpl, name: 'Yoga Mat 瑜伽垫', displayName: '[MAT-S] Yoga Mat 瑜伽垫 (S)', healthCategory: 'fitness', priceExtra: '1.00',
      availability: { stocked: true, quantity: 10, reserved: 2, available: 8 },
    });
    expect(Number((byId.get(small) as any).lstPrice)).toBe(101);
    expect(byId.get(medium)).toMatchObject({ displayName: '[MAT-M] Yoga Mat 瑜伽垫 (M)', priceExtra: '6.50', availability: { stocked: false, quantity: 0, reserved: 0, available: 0 } });
    expect(Number((byId.get(medium) as any).lstPrice)).toBe(106.5);
    const one = await sides.rest('GET', `/products/${medium}`, member);
    expect([one.status, one.body]).toEqual([200, byId.get(medium)]);
    expect((await sides.rest('GET', '/products/987654', member)).status).toBe(404);
  });

  it('searches names case-insensitively, filters by category, price and stock, sorts and pages consistently', async () => {
    const found = await sides.rest('GET', `/products?search=${encodeURIComponent('yOGa MaT')}`, member);
    const mats = (await sides.service.query<{ id: number }>(`SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active AND pt.name->>'en_US' ILIKE '%yoga mat%' ORDER BY pp.id`)).rows.map((r) => r.id);
    expect(mats).toEqual(expect.arrayContaining([small, medium]));
    expect(found.body.items.map((p: any) => p.id).sort((a: number, b: number) => a - b)).toEqual(mats);
    expect((await sides.rest('GET', '/products?search=%25', member)).body.total).toBe(0);
    const fitness = await sides.rest('GET', '/products?health_category=fitness&limit=200', member);
    expect(fitness.body.items.length).toBeGreaterThan(2);
    expect(fitness.body.items.every((p: any) => p.healthCategory === 'fitness')).toBe(true);
    const band = await sides.rest('GET', '/products?min_price=100&max_price=106.5&limit=200', member);
    expect(band.body.items.every((p: any) => Number(p.lstPrice) >= 100 && Number(p.lstPrice) <= 106.5)).toBe(true);
    expect(band.body.items.map((p: any) => p.id)).toEqual(expect.arrayContaining([small, medium]));
    const inStock = await sides.rest('GET', '/products?in_stock=true&limit=200', member);
    expect(inStock.body.items.every((p: any) => p.availability.available > 0)).toBe(true);
    expect(inStock.body.items.map((p: any) => p.id)).toContain(small);
    expect(inStock.body.items.map((p: any) => p.id)).not.toContain(medium);
    const cheapest = await sides.rest('GET', '/products?sort=price&limit=200', member);
    const prices = cheapest.body.items.map((p: any) => Number(p.lstPrice));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const dearest = await sides.rest('GET', '/products?sort=-price&limit=200', member);
    expect(dearest.body.items.map((p: any) => Number(p.lstPrice))).toEqual([...prices].reverse().sort((a: number, b: number) => b - a));
    // Pages of 7 in the default order put together are the whole list, each product once.
    const all = (await sides.rest('GET', '/products?limit=200', member)).body;
    const paged: number[] = [];
    for (let offset = 0; offset < all.total; offset += 7) paged.push(...(await sides.rest('GET', `/products?limit=7&offset=${offset}`, member)).body.items.map((p: any) => p.id));
    expect(paged).toEqual(all.items.map((p: any) => p.id));
    const past = await sides.rest('GET', `/products?offset=${all.total + 5}`, member);
    expect([past.status, past.body.items, past.body.total]).toEqual([200, [], all.total]);
    expect((await sides.rest('GET', '/products?sort=cost', member)).status).toBe(400);
    expect((await sides.rest('GET', '/products?limit=0', member)).status).toBe(400);
  });

  it('lists what product.product\'s record rules let the caller read (a rule planted on the copy hides a variant), and needs a token', async () => {
    expect((await sides.rest('GET', '/products', null)).status).toBe(401);
    const model = (await sides.service.query(`SELECT id FROM ir_model WHERE model = 'product.product'`)).rows[0].id;
    await sides.service.query(`INSERT INTO ir_rule (id, model_id, name, domain_force, active, perm_read, perm_write, perm_create, perm_unlink, global) VALUES ((SELECT max(id) + 1 FROM ir_rule), $1, 'test: hide MAT-M', '[(''default_code'', ''!='', ''MAT-M'')]', true, true, true, true, true, true)`, [model]);
    try {
      const deadline = Date.now() + 10_000;
      let ids: number[] = [];
      do {
        await new Promise((r) => setTimeout(r, 300));
        ids = (await sides.rest('GET', '/products?search=yoga', member)).body.items.map((p: any) => p.id);
      } while (ids.includes(medium) && Date.now() < deadline);
      expect(ids).toContain(small);
      expect(ids).not.toContain(medium);
      expect((await sides.rest('GET', `/products/${medium}`, member)).status).toBe(404);
    } finally {
      await sides.service.query(`DELETE FROM ir_rule WHERE name = 'test: hide MAT-M'`);
    }
  });

  it('reads the monolith\'s products and stock while M09 is legacy', async () => {
    await sides.setOwner('legacy');
    const legacyCount = (await sides.legacy.query('SELECT count(*)::int AS n FROM product_product WHERE active')).rows[0].n;
    const page = await sides.rest('GET', '/products?limit=200', member);
    expect(page.body.total).toBe(legacyCount);
    expect(page.body.items.map((p: any) => p.id)).not.toContain(small);
    const stocked = (await sides.legacy.query<{ product_id: number; available: number }>('SELECT product_id, sum(quantity - reserved)::float8 AS available FROM inventories GROUP BY product_id ORDER BY product_id LIMIT 1')).rows[0]!;
    expect(page.body.items.find((p: any) => p.id === stocked.product_id).availability.available).toBe(stocked.available);
  });
});
