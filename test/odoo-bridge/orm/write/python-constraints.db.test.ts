import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { validationError } from '../../../../odoo-bridge/errors.ts';
import { coreBehaviours } from '../../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * odoo/models.py `_validate_fields`, one mechanism for every model: the generated facts
 * (scripts/extract-python-constraint-facts.py) say which `@api.constrains` methods a write
 * triggers; a `values` check runs on the written values before the UPDATE (the ValidationError
 * wins over the table's CHECK, as in Odoo where the cache is validated before the flush), after
 * the INSERT on create (the CHECK wins there); a `flushed` check after the SQL; a triggered method
 * without a check refuses the write and stores nothing. hp_mall's `_check_reserved` is the
 * service's (ec) in production; the test registers the same check on a bare engine.
 */
const ADMIN = 2;
let db: TestDatabase;
let bare: OrmEngine;
let checked: OrmEngine;
const on = (engine: OrmEngine) => (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid: ADMIN, model, method, args, kwargs });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: { exceptionName?: string; message?: string }) => ({ name: e.exceptionName, message: e.message }));
const inventory = async (id: number) => (await db.pool.query<{ quantity: number; reserved: number }>('SELECT quantity, reserved FROM inventories WHERE id = $1', [id])).rows[0]!;

beforeAll(async () => {
  db = await legacyDatabase();
  bare = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, behaviours: coreBehaviours() });
  const behaviours = coreBehaviours();
  behaviours.register('hp.inventory', {
    checks: {
      _check_reserved: {
        reads: ['reserved', 'quantity'],
        values(_ctx, rows) {
          if (rows.some((r) => Number(r.reserved ?? 0) > Number(r.quantity ?? 0))) throw validationError('Reserved quantity cannot exceed the quantity on hand.');
        },
      },
    },
  });
  checked = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, behaviours });
});
afterAll(async () => db?.drop());

describe('Python constraints (one mechanism)', () => {
  it('a write that triggers a constraint nobody checks is refused and stores nothing', async () => {
    const before = await inventory(1);
    const refused = await failure(on(bare)('hp.inventory', 'write', [[1], { reserved: 1 }]));
    expect(refused.message).toContain('Ficus cannot run the Python constraint _check_reserved (reserved, quantity, module hp_mall) of hp.inventory');
    expect(await inventory(1)).toEqual(before);
    // A field no constraint watches writes as before.
    await expect(on(bare)('hp.inventory', 'write', [[1], { warehouse: 'Main' }])).resolves.toBe(true);
  });

  it('on write, the check sees the written values over the stored ones, before the CHECK', async () => {
    const { quantity } = await inventory(2);
    const over = await failure(on(checked)('hp.inventory', 'write', [[2], { reserved: quantity + 1 }]));
    expect(over).toEqual({ name: 'odoo.exceptions.ValidationError', message: 'Reserved quantity cannot exceed the quantity on hand.' });
    // Both given: judged on the new pair, not on the stored quantity.
    await expect(on(checked)('hp.inventory', 'write', [[2], { reserved: quantity + 1, quantity: quantity + 5 }])).resolves.toBe(true);
    expect(await inventory(2)).toEqual({ quantity: quantity + 5, reserved: quantity + 1 });
    const shrink = await failure(on(checked)('hp.inventory', 'write', [[2], { quantity: 0 }]));
    expect(shrink.name).toBe('odoo.exceptions.ValidationError');
  });

  it('on create, the INSERT comes first: the CHECK answers, as Odoo', async () => {
    const { rows } = await db.pool.query<{ product_id: number }>('SELECT id AS product_id FROM product_product ORDER BY id LIMIT 1');
    const refused = await failure(on(checked)('hp.inventory', 'create', [[{ product_id: rows[0]!.product_id, warehouse: 'Constraint test', quantity: 1, reserved: 5 }]]));
    expect(refused.name).toBe('odoo.exceptions.ValidationError');
    expect(refused.message).toContain('The operation cannot be completed');
  });

  it("base's flushed checks: recursive partners, a partner barcode twice, an archived company with users, a company currency deactivated", async () => {
    const call = on(bare);
    const [parent] = (await call('res.partner', 'create', [[{ name: 'Constraint parent' }]])) as number[];
    const [child] = (await call('res.partner', 'create', [[{ name: 'Constraint child', parent_id: parent }]])) as number[];
    expect(await failure(call('res.partner', 'write', [[parent], { parent_id: child }]))).toEqual({
      name: 'odoo.exceptions.ValidationError',
      message: 'You cannot create recursive Partner hierarchies.',
    });

    await call('res.partner', 'write', [[parent], { barcode: 'FICUS-BARCODE-1' }]);
    expect(await failure(call('res.partner', 'write', [[child], { barcode: 'FICUS-BARCODE-1' }]))).toEqual({
      name: 'odoo.exceptions.ValidationError',
      message: 'Another partner already has this barcode',
    });

    const company = (await db.pool.query<{ id: number; name: string; currency_id: number }>('SELECT id, name, currency_id FROM res_company ORDER BY id LIMIT 1')).rows[0]!;
    const users = (await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM res_users WHERE company_id = $1 AND active', [company.id])).rows[0]!.n;
    expect(await failure(call('res.company', 'write', [[company.id], { active: false }]))).toEqual({
      name: 'odoo.exceptions.ValidationError',
      message: `The company ${company.name} cannot be archived because it is still used as the default company of ${users} users.`,
    });
    expect(await failure(call('res.currency', 'write', [[company.currency_id], { active: false }]))).toEqual({
      name: 'odoo.exceptions.UserError',
      message: 'This currency is set on a company and therefore cannot be deactivated.',
    });
  });
  it("product barcodes are unique among active variants, as product's _check_barcode_uniqueness says (the oracle's text, names and order)", async () => {
    await expect(on(bare)('product.product', 'write', [[42], { barcode: 'FICUS-DUP-1' }])).resolves.toBe(true);
    const dup = await failure(on(bare)('product.product', 'write', [[43], { barcode: 'FICUS-DUP-1' }]));
    expect(dup).toEqual({
      name: 'odoo.exceptions.ValidationError',
      message: 'Barcode(s) already assigned:\n\n- Barcode "FICUS-DUP-1" already assigned to product(s): [HP-CAR-042] Lumbar Support 护腰 and [HP-CAR-043] Compression Socks 压力袜\n\nNote: products that you don\'t have access to will not be shown above.',
    });
    expect((await db.pool.query('SELECT barcode FROM product_product WHERE id = 43')).rows[0].barcode).toBeNull();
    // An archived holder does not count; a template's company change re-checks its variants.
    await db.pool.query('UPDATE product_product SET active = false WHERE id = 42');
    await expect(on(bare)('product.product', 'write', [[43], { barcode: 'FICUS-DUP-1' }])).resolves.toBe(true);
    const template = (await db.pool.query<{ product_tmpl_id: number }>('SELECT product_tmpl_id FROM product_product WHERE id = 43')).rows[0]!.product_tmpl_id;
    await expect(on(bare)('product.template', 'write', [[template], { company_id: false }])).resolves.toBe(true);
  });
});
