import pg from 'pg';
import { lsnToNumber } from '../events/lsn.ts';

export interface SlotState {
  name: string;
  active: boolean;
  activePid: number | null;
  confirmedFlushLsn: number | null;
  walStatus: string | null;
}

export async function readSlot(client: pg.ClientBase, name: string): Promise<SlotState | null> {
  const { rows } = await client.query<{ active: boolean; active_pid: number | null; confirmed_flush_lsn: string | null; wal_status: string | null }>(
    `SELECT active, active_pid, confirmed_flush_lsn::text, wal_status FROM pg_replication_slots WHERE slot_name = $1 AND slot_type = 'logical'`,
    [name],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    name,
    active: row.active,
    activePid: row.active_pid,
    confirmedFlushLsn: row.confirmed_flush_lsn ? lsnToNumber(row.confirmed_flush_lsn) : null,
    walStatus: row.wal_status,
  };
}

export interface CreatedSlot {
  consistentPoint: number;
  /** Valid only while `release()` has not been called: import it with SET TRANSACTION SNAPSHOT. */
  snapshotName: string;
  /** Closes the replication connection that keeps the exported snapshot alive. */
  release(): Promise<void>;
}

/**
 * CREATE_REPLICATION_SLOT … (SNAPSHOT 'export') over a replication connection: PostgreSQL hands
 * back the slot's consistent point and a snapshot that sees exactly the transactions committed
 * before it. Reading the tables in that snapshot and then streaming the slot from its consistent
 * point covers every change once. (pg_create_logical_replication_slot() cannot export a snapshot;
 * a REPEATABLE READ transaction begun after it sees a later state, which the ordering rule
 * would tolerate, but the export is exact and costs nothing.)
 */
export async function createSlotWithSnapshot(url: string, name: string): Promise<CreatedSlot> {
  assertSlotName(name);
  const client = new pg.Client({ connectionString: url, replication: 'database' } as pg.ClientConfig);
  client.on('error', () => undefined); // surfaced by the query that fails
  await client.connect();
  try {
    const { rows } = await client.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT "${name}" LOGICAL pgoutput (SNAPSHOT 'export')`,
    );
    const row = rows[0]!;
    return {
      consistentPoint: lsnToNumber(row.consistent_point),
      snapshotName: row.snapshot_name,
      release: () => client.end(),
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Drops the slot, waiting for a walsender still attached to it (a reader killed a moment ago
 * leaves one until PostgreSQL notices the closed socket). Returns whether a slot was dropped.
 */
export async function dropSlot(client: pg.ClientBase, name: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const slot = await readSlot(client, name);
    if (!slot) return false;
    if (slot.active && slot.activePid !== null && Date.now() > deadline - timeoutMs / 2) {
      // Still attached after half the timeout: that walsender belongs to a dead reader.
      await client.query('SELECT pg_terminate_backend($1)', [slot.activePid]);
    }
    try {
      await client.query('SELECT pg_drop_replication_slot($1)', [name]);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function assertSlotName(name: string): void {
  if (!/^ficus_[a-z0-9_]+$/.test(name)) throw new Error(`slot name must be ficus_<purpose>, got ${name}`);
}
