import type pg from 'pg';
import { readCheckpoint } from '../../../cdc/apply/bookkeeping.ts';

/**
 * Writes a transactional logical-decoding message into `source`'s WAL and returns its LSN.
 * It reaches every reader as an (otherwise empty) transaction, so once a reader's checkpoint is
 * at or past this LSN, everything committed in `source` before the marker has been applied.
 * Needs no table in the source (the CDC heartbeat uses the same kind of message).
 */
export async function emitDrainMarker(source: pg.Pool, label: string): Promise<number> {
  const client = await source.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ lsn: string }>(
      `SELECT (pg_logical_emit_message(true, 'ficus_drain', $1) - '0/0'::pg_lsn)::text AS lsn`,
      [label],
    );
    await client.query('COMMIT');
    return Number(rows[0]!.lsn);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Waits until the reader `slot` has committed a checkpoint at or past `lsn` in `target`. */
export async function waitApplied(target: pg.Pool, slot: string, lsn: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const client = await target.connect();
    let at = 0;
    try {
      const cp = await readCheckpoint<{ lsn?: number }>(client, slot).catch(() => null);
      at = cp?.lsn ?? 0;
    } finally {
      client.release();
    }
    if (at >= lsn) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`sync ${slot} did not reach the WAL position within ${timeoutMs} ms (at ${at}, wanted ${lsn})`);
    await new Promise((r) => setTimeout(r, 3));
  }
}
