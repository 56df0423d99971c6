import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { PythonFloat } from '../../../odoo-bridge/wire/xmlrpc/values.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * The web client's `onchange(values, field_names, fields_spec)` (addons/web/models/models.py 18)
 * where Ficus answers exactly, and the clear refusal where Python would run (computes on a new
 * record, `@api.onchange` methods, an override of onchange). Checked against the real Odoo 18
 * on hp_legacy by /tmp/x1/fam.py onchange: 204 of 230 equal, the 26 others refused (none wrong);
 * with stored computes through the sandbox and the services' legacy behaviours registered (the
 * monolith phase), 223 of 230 equal, the 7 others refused (res.users' reified groups, res.partner's
 * @api.onchange methods and non-stored computes).
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
/** The same engine with hp_mall's `subtotal = quantity * price_unit` registered as a service would (the sandbox's test). */
let computing: OrmEngine;

const onchange = (model: string, ids: number[], values: object, fieldNames: string[], spec: object, uid = ADMIN, context: object = {}) =>
  engine.call({ database: 'hp_legacy', uid, model, method: 'onchange', args: [ids, values, fieldNames, spec], kwargs: { context } }) as Promise<{ value?: Record<string, unknown> }>;
const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};
const float = (v: unknown) => (v instanceof PythonFloat ? v.value : v);

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: testFilestores().legacy });
  const behaviours = coreBehaviours().register('hp.mall.order.line', {
    compute: {
      subtotal: async (ctx, ids) => {
        await ctx.db.query('UPDATE order_lines SET subtotal = COALESCE(quantity, 0) * COALESCE(price_unit, 0) WHERE id = ANY($1::int4[])', [ids]);
      },
    },
  });
  computing = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, behaviours, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

describe('first call (a new record)', () => {
  it('every spec field: the Python default, else the empty value of its type; log fields False; display_name from _rec_name', async () => {
    const spec = { name: {}, min_level: {}, max_distance_km: {}, priority: {}, weight_rating: {}, active: {}, display_name: {}, create_date: {}, write_uid: {} };
    const { value } = await onchange('hp.matching.rule', [], {}, [], spec);
    expect(Object.keys(value!)).toEqual(Object.keys(spec));
    expect(value!.max_distance_km).toBeInstanceOf(PythonFloat);
    expect({ ...value, max_distance_km: float(value!.max_distance_km), weight_rating: float(value!.weight_rating) }).toEqual({
      name: false, min_level: 'junior', max_distance_km: 10, priority: 10, weight_rating: 0.5, active: true, display_name: false, create_date: false, write_uid: false,
    });
  });

  it('values given and context defaults win; a many2one default is nested as the spec asks; the display name follows the rec name', async () => {
    const company = (await db.pool.query<{ id: number; name: string }>(`SELECT c.id, c.name FROM res_currency c JOIN res_company co ON co.currency_id = c.id WHERE co.id = 1`)).rows[0]!;
    const { value } = await onchange('hp.service.order', [], { note: 'hi' }, [], { name: {}, note: {}, currency_id: { fields: { display_name: {} } }, display_name: {}, rating: {} });
    expect(value).toEqual({ name: '/', note: 'hi', currency_id: { id: company.id, display_name: company.name }, display_name: '/', rating: 0 });
    const named = await onchange('hp.matching.rule', [], {}, [], { name: {}, display_name: {} }, ADMIN, { default_name: 'Knees' });
    expect(named.value).toEqual({ name: 'Knees', display_name: 'Knees' });
  });

  it('a computed field on a new record, an @api.onchange method or an override of onchange is refused clearly', async () => {
    expect((await errorOf(onchange('hp.assessment', [], {}, [], { score: {}, risk_level: {} }))).message).toMatch(/^Ficus cannot run onchange\(\) \(the compute of risk_level on a new record\) of hp\.assessment/);
    expect((await errorOf(onchange('res.partner', [], {}, [], { name: {}, parent_id: {} }))).message).toMatch(/^Ficus cannot run onchange\(\) \(the @api\.onchange methods of parent_id\) of res\.partner/);
    // UsersView.onchange rewrites reified group fields: an override Ficus does not run.
    expect((await errorOf(onchange('res.users', [], {}, [], { login: {}, in_group_1: {} }))).message).toMatch(/^Ficus cannot run onchange\(\) of res\.users/);
    // Without them both res.users overrides are plain super() calls: on to the @api.onchange methods.
    expect((await errorOf(onchange('res.users', [], {}, [], { login: {} }))).message).toMatch(/^Ficus cannot run onchange\(\) \(the @api\.onchange methods of login\) of res\.users/);
  });
});

describe('later calls (a field changed)', () => {
  it('nothing in the spec depends on the changed field: an empty value', async () => {
    const id = (await db.pool.query<{ id: number }>('SELECT id FROM matching_rules ORDER BY id LIMIT 1').then((r) => r.rows[0]?.id)) ?? null;
    const ids = id ? [id] : [];
    expect(await onchange('hp.matching.rule', ids, { priority: 3, name: 'x' }, ['priority'], { priority: {}, name: {}, display_name: {} })).toEqual({ value: {} });
  });

  it('the rec name changed: display_name comes back when it differs from the record\'s own', async () => {
    const row = (await db.pool.query<{ id: number; name: string }>('SELECT id, name FROM matching_rules ORDER BY id LIMIT 1')).rows[0]!;
    const spec = { name: {}, display_name: {} };
    expect(await onchange('hp.matching.rule', [row.id], { name: row.name }, ['name'], spec)).toEqual({ value: {} });
    expect(await onchange('hp.matching.rule', [row.id], { name: 'Renamed' }, ['name'], spec)).toEqual({ value: { display_name: 'Renamed' } });
    expect(await onchange('hp.matching.rule', [], { name: 'New' }, ['name'], spec)).toEqual({ value: { display_name: 'New' } });
  });

  it('a compute that depends on the changed field is refused; an unknown field name answers {}', async () => {
    const e = await errorOf(onchange('hp.mall.order.line', [], { quantity: 2 }, ['quantity'], { quantity: {}, subtotal: {} }));
    expect(e.message).toMatch(/^Ficus cannot run onchange\(\) \(the compute of subtotal, which depends on quantity\)/);
    expect(await onchange('hp.mall.order.line', [], {}, ['no_such_field'], { quantity: {} })).toEqual({});
  });

  it('the record is read as the user: record rules apply', async () => {
    const row = (await db.pool.query<{ uid: number; rec: number }>(`
      SELECT u.id AS uid, (SELECT h.id FROM health_records h WHERE h.user_id <> u.id ORDER BY h.id LIMIT 1) AS rec
        FROM res_users u
       WHERE u.id > 2 AND u.active
         AND u.id IN (SELECT uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module = 'hp_account' AND d.name = 'group_hp_member')
         AND u.id NOT IN (SELECT uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
                           WHERE (d.module, d.name) IN (('hp_account', 'group_hp_coach'), ('base', 'group_system')))
       ORDER BY u.id LIMIT 1`)).rows[0]!;
    const e = await errorOf(onchange('hp.health.record', [row.rec], { note: 'x' }, ['note'], { note: {} }, row.uid));
    expect(e.name).toBe('odoo.exceptions.AccessError');
  });
});

describe('stored computes and stored related fields through the registered behaviour (a rolled-back sandbox)', () => {
  const onchangeWith = (ids: number[], values: object, names: string[], spec: object) =>
    computing.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.mall.order.line', method: 'onchange', args: [ids, values, names, spec], kwargs: {} }) as Promise<{ value?: Record<string, unknown> }>;
  const spec = { order_id: {}, quantity: {}, price_unit: {}, subtotal: {}, currency_id: { fields: { display_name: {} } } };

  it('a new record: the compute runs on its values, the related field follows its first hop', async () => {
    const order = (await db.pool.query<{ id: number; currency_id: number; currency: string }>(
      'SELECT o.id, o.currency_id, c.name AS currency FROM orders o JOIN res_currency c ON c.id = o.currency_id ORDER BY o.id LIMIT 1',
    )).rows[0]!;
    const { value } = await onchangeWith([], { order_id: order.id, quantity: 3, price_unit: 2.5 }, [], spec);
    expect({ ...value, quantity: float(value!.quantity), price_unit: float(value!.price_unit), subtotal: float(value!.subtotal) }).toEqual({
      order_id: order.id, quantity: 3, price_unit: 2.5, subtotal: 7.5, currency_id: { id: order.currency_id, display_name: order.currency },
    });
    // The new line was never stored.
    expect((await db.pool.query('SELECT 1 FROM order_lines WHERE id < 0')).rowCount).toBe(0);
  });

  it('a change: the computed value when it differs from the stored one (existing) or from the one without the change (new)', async () => {
    const line = (await db.pool.query<{ id: number; quantity: number; price_unit: string; subtotal: string; order_id: number }>(
      'SELECT id, quantity, price_unit::text, subtotal::text, order_id FROM order_lines ORDER BY id LIMIT 1',
    )).rows[0]!;
    const same = { order_id: line.order_id, quantity: line.quantity, price_unit: Number(line.price_unit) };
    expect(await onchangeWith([line.id], same, ['quantity'], spec)).toEqual({ value: {} });
    const { value } = await onchangeWith([line.id], { ...same, quantity: line.quantity + 1 }, ['quantity'], spec);
    expect(float(value!.subtotal)).toBeCloseTo((line.quantity + 1) * Number(line.price_unit), 6);
    expect((await db.pool.query<{ subtotal: string }>('SELECT subtotal::text FROM order_lines WHERE id = $1', [line.id])).rows[0]!.subtotal).toBe(line.subtotal);
    const fresh = await onchangeWith([], { quantity: 4, price_unit: 2 }, ['price_unit'], spec);
    expect(float(fresh.value!.subtotal)).toBe(8);
  });
});
