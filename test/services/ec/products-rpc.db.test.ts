import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { startServiceStack, type ServiceStack } from '../../support/service-cutover-stack.ts';
import { EC_MODULES, EC_SYNC_LOCK } from './golden-ec-cutover-stack.ts';
import { wire } from './orders-sides.ts';

/**
 * Products stay Odoo's (MIGRATION.md, M09): product.template and product.product, with hp_mall's
 * hp_health_category, are not among ec's served models, so cutting M09 over changes nothing for
 * their clients. The same reads and writes over the gateway's dispatch (phase routing as `ficus
 * start` runs it) before and after M09's cutover answer the same, and the writes land on the
 * monolith, whence svc_ec's read-only copy follows them.
 */
let side: ServiceStack;
let dispatch: CallHandler;
const ADMIN = 2;
let merchant: number;

const call = async (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => {
  try {
    return { ok: wire(await dispatch({ database: 'hp_legacy', uid, model, method, args, kwargs })) };
  } catch (error) {
    if (error instanceof OdooError) return { error: error.exceptionName, message: error.message };
    throw error;
  }
};

/** Reads, searches and a refused write, by an administrator, a merchant (create/write on products) and a member (read only). */
const probes = (member: number) => [
  () => call(ADMIN, 'product.template', 'search_read', [[['hp_health_category', '=', 'device']], ['name', 'list_price', 'hp_health_category', 'default_code']], { order: 'id' }),
  () => call(member, 'product.product', 'search_read', [[['default_code', 'ilike', 'HP-SUP']], ['display_name', 'lst_price', 'hp_health_category', 'product_tmpl_id']], { order: 'id', limit: 5 }),
  () => call(member, 'product.product', 'name_search', [], { name: 'Vitamin', limit: 5 }),
  () => call(merchant, 'product.template', 'read_group', [[], ['list_price:sum'], ['hp_health_category']], { lazy: false }),
  () => call(member, 'product.template', 'write', [[1], { list_price: 1 }]),
  () => call(ADMIN, 'product.template', 'fields_get', [['hp_health_category']], { attributes: ['type', 'selection', 'string'] }),
];

beforeAll(async () => {
  side = await startServiceStack({ service: 'ec', modules: EC_MODULES, lock: EC_SYNC_LOCK });
  dispatch = side.stack.runtime.handlerFor({ name: 'hp_legacy', pool: side.stack.legacyPool });
  merchant = (await side.legacy.pool.query<{ uid: number }>(
    `SELECT min(r.uid) AS uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'hp_account' AND d.name = 'group_hp_merchant' WHERE r.uid > 2`)).rows[0]!.uid;
}, 300_000);
afterAll(async () => {
  await side?.stop();
});

describe('product.* over RPC across M09\'s cutover', () => {
  it('answers the same reads, searches, groupings and refusals before and after, and writes still land on the monolith', async () => {
    const member = (await side.legacy.pool.query<{ uid: number }>(
      `SELECT min(r.uid) AS uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'hp_account' AND d.name = 'group_hp_member'
        WHERE r.uid > 2 AND r.uid <> $1`, [merchant])).rows[0]!.uid;
    const before = [];
    for (const probe of probes(member)) before.push(await probe());
    expect(before[0]).toHaveProperty('ok');
    expect(before[4]).toMatchObject({ error: 'odoo.exceptions.AccessError' });
    await side.backfill();
    await side.cutOver();
    expect(side.phase()).toBe('service');
    const after = [];
    for (const probe of probes(member)) after.push(await probe());
    expect(after).toEqual(before);
    // A merchant's write of a product and its health category: on the monolith, read back the same way.
    const written = await call(merchant, 'product.template', 'write', [[2], { list_price: 31.5, hp_health_category: 'care' }]);
    expect(written).toEqual({ ok: true });
    expect((await side.legacy.pool.query('SELECT list_price::float8 AS p, hp_health_category AS c FROM product_template WHERE id = 2')).rows[0]).toEqual({ p: 31.5, c: 'care' });
    expect(await call(merchant, 'product.template', 'read', [[2], ['list_price', 'hp_health_category']])).toEqual({ ok: [{ id: 2, list_price: 31.5, hp_health_category: 'care' }] });
  });
});
