import type pg from 'pg';

/**
 * The impression ledger's keys (ec_impression_events) need only outlive the clients' retry window:
 * a replay after that is not expected, and a key kept forever costs a row and an index entry per
 * impression ever shown. Pruning deletes the keys recorded before `now() - retention`, in batches
 * of `batchSize`, each batch its own short transaction:
 * - rows another transaction holds are skipped (SKIP LOCKED), never waited for, so two service
 *   instances pruning at once, or anything else touching an old key, neither block nor are blocked;
 * - lock_timeout bounds a wait for the table's lock (only DDL could hold one against a DELETE);
 * - a batch is found through the BRIN index on recorded_at and deleted by ctid.
 * A key pruned while its impression is replayed is recorded again as new: that is what the
 * retention means, so it must stay longer than any client retries.
 */
export interface PruneOptions {
  retentionMs: number;
  batchSize: number;
  /** Pause between batches, so a long catch-up yields to the impression path (default 10 ms). */
  pauseMs?: number;
  /** Asked before each batch: false ends the pass early (the service is stopping). */
  keepGoing?: () => boolean;
  /** Called after each batch that deleted rows (the metric). */
  onBatch?: (deleted: number) => void;
}

export interface PruneResult {
  deleted: number;
  /** DELETE statements run (the last one deleting fewer than a batch, or none). */
  batches: number;
}

const DELETE_BATCH = `
DELETE FROM ec_impression_events
 WHERE ctid = ANY (ARRAY(
   SELECT ctid FROM ec_impression_events
    WHERE recorded_at < now() - $1::int8 * interval '1 millisecond'
    LIMIT $2
    FOR UPDATE SKIP LOCKED))`;

export async function pruneImpressionKeys(pool: pg.Pool, options: PruneOptions): Promise<PruneResult> {
  const pauseMs = options.pauseMs ?? 10;
  let deleted = 0;
  let batches = 0;
  while (options.keepGoing?.() ?? true) {
    const removed = await deleteOneBatch(pool, options.retentionMs, options.batchSize);
    batches += 1;
    deleted += removed;
    if (removed) options.onBatch?.(removed);
    if (removed < options.batchSize) break;
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { deleted, batches };
}

async function deleteOneBatch(pool: pg.Pool, retentionMs: number, batchSize: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '2s'`);
    const result = await client.query(DELETE_BATCH, [Math.round(retentionMs), batchSize]);
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
