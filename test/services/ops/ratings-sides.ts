import { execFileSync } from 'node:child_process';
import type pg from 'pg';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import ops from '../../../services/ops/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/** M05's tables. */
export const GROWTH_TABLES = ['ratings', 'certifications'] as const;

/**
 * Both sides of M05's cut on one pair of databases: ops's REST runtime (svc_ops after a backfill;
 * its write-owner row says where M05's rows live, `setOwner`), the gateway's dispatch over the
 * monolith as its PlatformPorts.odoo (hp.service.order and res.users stay in phase legacy, as
 * they are answered there), and Odoo RPC on each side: `legacyRpc` (the migration runtime's
 * engine over the monolith, ops's legacy behaviours and the legacy addons' hp_growth) and
 * `serviceRpc` (ops's own engine over svc_ops, its hp.rating recompute reaching res.users
 * through the same dispatch, as the gateway answers M05 after cutover).
 */
export interface GrowthSides {
  stack: ServiceRestStack<OpsDatabase>;
  legacy: pg.Pool;
  service: pg.Pool;
  legacyRpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  serviceRpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  rest(method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>): ReturnType<ServiceRestStack<OpsDatabase>['call']>;
  setOwner(owner: ModuleOwner): Promise<void>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startGrowthSides(owner: ModuleOwner = 'legacy'): Promise<GrowthSides> {
  let dispatch: CallHandler | undefined;
  const stack = await startServiceRestStack<OpsDatabase>({
    definition: ops, tables: GROWTH_TABLES, owner,
    odoo: (call) => dispatch!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
  });
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { ops: stack.service.url } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  dispatch = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
  const engine = createServiceEngine(ops as ServiceWithOdooFace, {
    name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger(),
    callModel: (ctx, model, method, args, kwargs) => dispatch!({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...(kwargs ?? {}) } }),
  });
  return {
    stack,
    legacy: stack.legacy.pool,
    service: stack.service.pool,
    legacyRpc: (uid, model, method, args, kwargs = {}) => dispatch!({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    serviceRpc: (uid, model, method, args, kwargs = {}) => engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rest: (method, path, uid, body, headers = {}) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers),
    setOwner: (o) => stack.setOwner(o),
    async stop() {
      await runtime.stop();
      await control.drop();
      await stack.stop();
    },
  };
}

/** res_users.coach_rating_avg as stored on the monolith. */
export async function storedAverage(pool: pg.Pool, coachId: number): Promise<number> {
  const { rows } = await pool.query<{ avg: string }>('SELECT coach_rating_avg::text AS avg FROM res_users WHERE id = $1', [coachId]);
  return Number(rows[0]!.avg);
}

/** The coach's scores where `pool`'s ratings are. */
export async function scoresOf(pool: pg.Pool, coachId: number): Promise<number[]> {
  return (await pool.query<{ score: number }>('SELECT score FROM ratings WHERE coach_id = $1 ORDER BY id', [coachId])).rows.map((r) => r.score);
}

/** An active user of an hp_account group (xml id name) who is not an administrator, the lowest id. */
export async function userOfGroup(pool: pg.Pool, group: string): Promise<number> {
  const { rows } = await pool.query<{ uid: number }>(
    `WITH members AS (SELECT r.uid, d.name FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module IN ('hp_account', 'base'))
     SELECT min(m.uid) AS uid FROM members m JOIN res_users u ON u.id = m.uid AND u.active
      WHERE m.name = $1 AND m.uid > 2 AND m.uid NOT IN (SELECT uid FROM members WHERE name IN ('group_hp_admin', 'group_system'))`, [group]);
  return rows[0]!.uid;
}

/** Completed orders with a coach that their customer has not rated yet. */
export async function unratedCompletedOrders(pool: pg.Pool): Promise<Array<{ id: number; customer: number; coach: number }>> {
  const { rows } = await pool.query<{ id: number; customer: number; coach: number }>(
    `SELECT o.id, o.customer_id AS customer, o.health_worker_id AS coach FROM service_orders o
      WHERE o.state = 'completed' AND o.health_worker_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.order_id = o.id AND r.rater_id = o.customer_id) ORDER BY o.id`);
  return rows;
}

/** hp_growth's compute run by python3 itself (the oracle, not our port): round(sum / len, 2) if scores else 0.0, per list. */
export function pythonAverages(lists: readonly (readonly number[])[]): number[] {
  const program = 'import json, sys\nfor s in json.load(sys.stdin): print(round(sum(s) / len(s), 2) if s else 0.0)';
  const out = execFileSync('python3', ['-c', program], { input: JSON.stringify(lists), encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map(Number);
}
