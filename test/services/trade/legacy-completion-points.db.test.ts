import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLegacyAddons } from '../../../migration/legacy-addons/index.ts';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import finance from '../../../services/finance/index.ts';
import trade from '../../../services/trade/index.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * Completing orders on the legacy side awards their points through hp.points.transaction's own
 * create (hp_points' `_hp_after_complete` → `.sudo().create`), so the ledger's rule — the
 * per-user lock and a balance_after computed from the committed head, not from the call's
 * REPEATABLE READ snapshot — holds when one customer's orders complete at the same moment: the
 * chain never forks (two rows after the same head), whatever the interleaving.
 */
const ADMIN = 2;
let legacy: TestDatabase;
let engine: OrmEngine;
const call = (model: string, method: string, args: unknown[]) => engine.call({ database: 'hp_legacy', uid: ADMIN, model, method, args, kwargs: {} });

beforeAll(async () => {
  legacy = await legacyDatabase();
  const callModel = (async () => { throw new Error('no other model is reached here'); }) as never;
  const behaviours = registerLegacyAddons(coreBehaviours(), { callModel });
  trade.odoo!.legacyBehaviours(behaviours);
  finance.odoo!.legacyBehaviours(behaviours, { callModel });
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, behaviours });
});
afterAll(async () => legacy?.drop());

describe('points for orders completed at once on the legacy side', () => {
  it('one customer, 12 orders completed concurrently: one award each, an unbroken chain, balance = start + awards', async () => {
    const customer = 7;
    const start = Number((await legacy.pool.query(`SELECT coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) AS b`, [customer])).rows[0].b);
    const coach = Number((await legacy.pool.query(`SELECT id FROM res_users WHERE login = 'coach001@hp.example'`)).rows[0].id);
    const orders: number[] = [];
    for (let i = 0; i < 12; i++) {
      const id = (await call('hp.service.order', 'create', [{ customer_id: customer, service_id: 1, amount: 10 + i }])) as number;
      for (const step of ['action_submit', 'action_mark_paid']) await call('hp.service.order', step, [[id]]);
      await engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.service.order', method: 'action_assign', args: [[id], coach], kwargs: {} });
      await call('hp.service.order', 'action_start', [[id]]);
      orders.push(id);
    }
    await Promise.all(orders.map((id) => call('hp.service.order', 'action_complete', [[id]])));
    const { rows } = await legacy.pool.query<{ id: number; delta: number; balance_after: number; ref_id: number }>(
      `SELECT id, delta, balance_after, ref_id FROM points_transactions WHERE user_id = $1 ORDER BY id`, [customer]);
    const awards = rows.filter((r) => orders.includes(r.ref_id));
    expect(awards.map((r) => r.ref_id).sort((a, b) => a - b)).toEqual(orders);
    for (const [i, row] of rows.entries()) expect(row.balance_after).toBe((i ? rows[i - 1]!.balance_after : rows[0]!.balance_after - rows[0]!.delta) + row.delta);
    expect(rows.at(-1)!.balance_after).toBe(start + orders.reduce((sum, _id, i) => sum + 10 + i, 0));
  });
});
