import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { settleModules } from '../../../bench/drill/module-drill.ts';
import { useReplicationOrigin } from '../../../cdc/apply/replication-origin.ts';
import type { StepOptions } from '../../../migration/control/controller.ts';
import { reverseSlot } from '../../../migration/control/module-plan.ts';
import { readInstalledDeleteRules } from '../../../migration/control/sync/delete-rule-triggers.ts';
import { reconcileModules } from '../../../migration/reconcile/index.ts';
import trade from '../../../services/trade/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

/**
 * A user deleted on the monolith by another service's reverse sync (its replication origin) while
 * trade serves M04 and M20, with the real syncs. Odoo's database cascades the coach's grab orders
 * (`hp.grab.order.coach_id`, ondelete='cascade') and empties the other links to the user (set
 * null: appointments, health services, service orders' health worker). Those writes carry the
 * other service's origin, which M04's and M20's readers skip as a loop; svc_trade learns of the
 * delete only from its reference copy of res_users, whose delete trigger (the monolith's keys,
 * derived: migration/control/sync/delete-rules.ts) must end it as the monolith ends it. Reconcile of
 * M04 and M20 is clean afterwards.
 */
const MODULES = ['M04', 'M20'] as const;

describe('deletes across the cut: a coach deleted on the monolith while trade serves M04 and M20', () => {
  const drill = serviceDrillStack(trade);

  it("svc_trade ends as Odoo's database does (grab orders cascaded, links set null) and reconcile is clean", async () => {
    const stack = drill.stack();
    const c = stack.controller;
    const forced: StepOptions = { force: true, reason: 'deletes across the cut', thresholds: { minShadowSamples: 1, minMatchRate: 0.99 }, ackTimeoutMs: 30_000 };
    for (const module of MODULES) {
      const backfill = await c.backfill(module, { waitMs: 120_000 });
      expect(backfill.ok, backfill.message).toBe(true);
    }
    for (const module of MODULES) {
      for (const step of [() => c.shadow(module, forced), () => c.canary(module, 10, forced)]) {
        const result = await step();
        expect(result.ok, `${module}: ${result.message}`).toBe(true);
      }
    }
    for (const result of await c.together('cutover', [...MODULES], forced)) expect(result.ok, result.message).toBe(true);
    drillLog.log('M04 and M20 served by trade');

    const legacy = stack.legacyPool;
    const service = stack.servicePool;
    // The backfill installed the monolith's keys on the reference copy before its readers started.
    const rules = (await readInstalledDeleteRules(service)).filter((r) => r.references === 'res_users');
    expect(rules.find((r) => r.table === 'grab_orders' && r.columns.join() === 'coach_id')?.action).toBe('cascade');
    expect(rules.find((r) => r.table === 'appointments' && r.columns.join() === 'health_worker_id')?.action).toBe('set null');

    const grabsOf = async (db: pg.Pool, coach: number) => (await db.query<{ id: number }>('SELECT id FROM grab_orders WHERE coach_id = $1 ORDER BY id', [coach])).rows.map((r) => r.id);
    // A coach with grab orders whose user the monolith lets go (no restricting row names it), deleted
    // as another service's reverse sync deletes it: under its replication origin.
    const { rows: coaches } = await legacy.query<{ coach_id: number }>('SELECT coach_id FROM grab_orders GROUP BY coach_id ORDER BY count(*) DESC, coach_id');
    const other = new pg.Client({ connectionString: stack.endpoints.legacyUrl });
    await other.connect();
    let coach: number | undefined;
    let grabs: number[] = [];
    try {
      await useReplicationOrigin(other, reverseSlot('M01'));
      for (const { coach_id } of coaches) {
        const before = await grabsOf(legacy, coach_id);
        await other.query('BEGIN');
        try {
          await other.query('DELETE FROM res_users WHERE id = $1', [coach_id]);
          await other.query('COMMIT');
          coach = coach_id;
          grabs = before;
          break;
        } catch {
          await other.query('ROLLBACK');
        }
      }
    } finally {
      await other.query('SELECT pg_replication_origin_session_reset()').catch(() => undefined);
      await other.end();
    }
    expect(coach, 'a coach the monolith lets delete').toBeDefined();
    drillLog.log(`coach ${coach} deleted with ${grabs.length} grab orders`);
    expect(grabs.length).toBeGreaterThan(0);
    // Odoo's database on the monolith.
    expect(await grabsOf(legacy, coach!)).toEqual([]);

    // The reference reader carries the user's delete; the trigger does the rest in its transaction.
    for (let i = 0; i < 600 && (await service.query('SELECT 1 FROM res_users WHERE id = $1', [coach])).rowCount; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await service.query('SELECT 1 FROM res_users WHERE id = $1', [coach])).rowCount).toBe(0);
    await settleModules(stack, [...MODULES]);
    expect(await grabsOf(service, coach!)).toEqual([]);
    const gone = await service.query<{ n: number }>('SELECT count(*)::int AS n FROM grab_orders WHERE id = ANY($1::int4[])', [grabs]);
    expect(gone.rows[0]!.n).toBe(0);
    for (const [table, column] of [['appointments', 'health_worker_id'], ['appointments', 'customer_id'], ['service_orders', 'health_worker_id'], ['health_services', 'coach_id']] as const) {
      const left = await service.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [coach]);
      expect(left.rows[0]!.n, `${table}.${column}`).toBe(0);
    }

    const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('trade'), modules: [...MODULES], lag: { lagWindowMs: 2000 } });
    const differences = rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different;
    expect({ differences, breaches: rec.summary.ruleBreaches }).toEqual({ differences: 0, breaches: 0 });
  }, 600_000);
});
