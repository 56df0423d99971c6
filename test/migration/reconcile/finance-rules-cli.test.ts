import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureControlSchema } from '../../../migration/control/store/control-schema.ts';
import { recordTransition } from '../../../migration/control/store/phase-store.ts';
import { runFicus } from '../../support/ficus-process.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * `ficus reconcile M04 M13 M14` as the migration team runs it, with M04 cut over to trade and
 * M13/M14 still Odoo's, after an order completed in trade never got its points award: exit 1 and
 * the breach in words; `--repair` prints the award it would write (under the ledger's lock) and
 * writes nothing; `--repair --apply` writes it into Odoo's ledger (the owner), re-syncs the
 * copy, and exits 0 clean. Never 2 for what the data holds.
 */
let legacy: TestDatabase;
let trade: TestDatabase;
let finance: TestDatabase;
let control: TestDatabase;
let order: { id: number; customer_id: number; points: number };

beforeAll(async () => {
  [legacy, trade, finance, control] = await Promise.all([legacyDatabase(), legacyDatabase(), legacyDatabase(), emptyDatabase('control')]);
  await ensureControlSchema(control.pool);
  const client = await control.pool.connect();
  try {
    for (const [step, from, to] of [['shadow', 'legacy', 'shadow'], ['canary', 'shadow', 'canary'], ['cutover', 'canary', 'service']] as const) {
      await recordTransition(client, { module: 'M04', step, from, to, actor: 'test', reason: null, forced: false, gates: [] });
    }
  } finally {
    client.release();
  }
  order = (await legacy.pool.query(`SELECT id, customer_id, floor(amount)::int AS points FROM service_orders WHERE state = 'in_service' ORDER BY id LIMIT 1`)).rows[0];
  for (const db of [trade, legacy]) {
    await db.pool.query(`UPDATE service_orders SET state = 'completed', completed_at = '2026-12-01 10:00', write_date = '2026-12-01 10:00' WHERE id = $1`, [order.id]);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([legacy?.drop(), trade?.drop(), finance?.drop(), control?.drop()]);
});

async function reconcile(...args: string[]): Promise<{ code: number | string; output: string }> {
  const run = runFicus(['reconcile', 'M04', 'M13', 'M14', '--source', legacy.url, '--service-url', `trade=${trade.url}`, '--service-url', `finance=${finance.url}`, '--control-url', control.url, ...args], {});
  const code = await run.exited;
  return { code, output: run.output() };
}

const awards = async (db: TestDatabase) => (await db.pool.query(`SELECT delta FROM points_transactions WHERE reason = 'order' AND ref_id = $1`, [order.id])).rows;

describe('ficus reconcile with a lost points award', () => {
  it('exit 1 with the breach; --repair plans the award and writes nothing; --repair --apply writes it on the owner, re-syncs, exit 0', async () => {
    const found = await reconcile();
    expect(found.code, found.output).toBe(1);
    expect(found.output).toContain(`order ${order.id} is completed but customer ${order.customer_id} was never credited its ${order.points} points`);

    const plan = await reconcile('--repair');
    expect(plan.code, plan.output).toBe(1);
    expect(plan.output).toContain('business rules: 1 write(s) on the system of record (made with --apply):');
    expect(plan.output).toContain(`order-points-awarded-once (the legacy database, owner legacy)`);
    expect(plan.output).toContain(`SELECT pg_advisory_xact_lock(14, ${order.customer_id});`);
    expect(await awards(legacy)).toEqual([]);

    const applied = await reconcile('--repair', '--apply');
    expect(applied.output).toContain(`repaired (order-points-awarded-once, points_transactions): order ${order.id} is completed`);
    expect(applied.output).toMatch(/re-synced points_transactions: 1 upserted, 0 deleted/);
    expect(applied.output).toContain('after repair: clean');
    expect(applied.code, applied.output).toBe(0);
    expect(await awards(legacy)).toEqual([{ delta: order.points }]);
    expect(await awards(finance)).toEqual([{ delta: order.points }]); // the copy, re-synced from the owner

    const again = await reconcile();
    expect(again.code, again.output).toBe(0);
  }, 180_000);
});
