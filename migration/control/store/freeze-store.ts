import type pg from 'pg';
import { notifyPhaseChange } from './phase-store.ts';

/**
 * The write freeze lives in the module's phase row, so that the flip and the release are one
 * UPDATE: a process killed mid-cutover leaves either the old phase (and a freeze whose lease
 * runs out) or the new phase with no freeze, never a half state.
 */
export async function beginFreeze(pool: pg.Pool, module: string, leaseMs: number): Promise<{ epoch: number; version: number }> {
  await pool.query(`INSERT INTO ficus_migration.module_phase (module, phase) VALUES ($1, 'legacy') ON CONFLICT (module) DO NOTHING`, [module]);
  const { rows } = await pool.query<{ freeze_epoch: string; version: string }>(
    `UPDATE ficus_migration.module_phase
        SET freeze_epoch = (extract(epoch from clock_timestamp()) * 1000)::bigint,
            freeze_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
      WHERE module = $1 AND (freeze_epoch IS NULL OR freeze_until < clock_timestamp())
      RETURNING freeze_epoch, version`,
    [module, leaseMs],
  );
  if (!rows[0]) throw new Error(`module ${module} is already frozen by another cutover or rollback`);
  await notifyPhaseChange(pool, module);
  return { epoch: Number(rows[0].freeze_epoch), version: Number(rows[0].version) };
}

/** Releases a freeze without changing the phase (an aborted step). Returns false when it was no longer ours. */
export async function endFreeze(pool: pg.Pool, module: string, epoch: number): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE ficus_migration.module_phase SET freeze_epoch = NULL, freeze_until = NULL WHERE module = $1 AND freeze_epoch = $2`,
    [module, epoch],
  );
  await notifyPhaseChange(pool, module);
  return rowCount === 1;
}

/**
 * A gateway whose lease ran out lifts the freeze itself, in the database, so the cutover's
 * conditional flip (which requires the lease still running) can no longer happen: either the
 * flip committed first, or the release did.
 */
export async function expireFreeze(pool: pg.Pool, module: string, epoch: number): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE ficus_migration.module_phase SET freeze_epoch = NULL, freeze_until = NULL
      WHERE module = $1 AND freeze_epoch = $2 AND freeze_until < clock_timestamp()`,
    [module, epoch],
  );
  if (rowCount === 1) await notifyPhaseChange(pool, module);
  return rowCount === 1;
}

export async function recordFreezeAck(pool: pg.Pool, module: string, epoch: number, gatewayId: string): Promise<void> {
  await pool.query(
    `INSERT INTO ficus_migration.freeze_ack (module, epoch, gateway_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [module, epoch, gatewayId],
  );
}

/** Gateways seen within `aliveMs` that have not acknowledged the freeze yet. */
export async function gatewaysNotAcked(pool: pg.Pool, module: string, epoch: number, aliveMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT g.id FROM ficus_migration.gateway_instance g
      WHERE g.last_seen > clock_timestamp() - make_interval(secs => $3::float8 / 1000)
        AND NOT EXISTS (SELECT 1 FROM ficus_migration.freeze_ack a WHERE a.module = $1 AND a.epoch = $2 AND a.gateway_id = g.id)`,
    [module, epoch, aliveMs],
  );
  return rows.map((r) => r.id);
}

export async function heartbeatGateway(pool: pg.Pool, gatewayId: string): Promise<void> {
  await pool.query(
    `INSERT INTO ficus_migration.gateway_instance (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET last_seen = now()`,
    [gatewayId],
  );
}

export async function forgetGateway(pool: pg.Pool, gatewayId: string): Promise<void> {
  await pool.query('DELETE FROM ficus_migration.gateway_instance WHERE id = $1', [gatewayId]);
}
