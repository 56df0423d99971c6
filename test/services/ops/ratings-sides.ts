import { execFileSync } from 'node:child_process';
import type pg from 'pg';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import ops from '../../../services/ops/index.ts';
import type { ModuleOwner } from '../../support/service-rest-stack.ts';
import { startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

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
export type GrowthSides = ServiceSides<OpsDatabase>;

export function startGrowthSides(owner: ModuleOwner = 'legacy'): Promise<GrowthSides> {
  return startServiceSides<OpsDatabase>({ definition: ops, tables: GROWTH_TABLES, owner });
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
