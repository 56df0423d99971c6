import type pg from 'pg';

/** How far a consumer group has read one outbox: the (transaction id, sequence) of the last event. */
export interface OutboxPosition {
  txId: string;
  seq: string;
}

export const START_OF_OUTBOX: OutboxPosition = { txId: '0', seq: '0' };

export interface OutboxRow {
  seq: string;
  tx_id: string;
  /** The event's key (Kafka message key in distributed mode): events with one key stay in order. */
  aggregate_id: string;
  payload: string;
}

/**
 * Reads the outbox in commit-safe order. Sequence numbers are taken before commit, so a later
 * transaction can commit a smaller `seq` after a reader passed it; reading by `seq` alone would
 * skip that event forever. Rows are read only from transactions older than every transaction
 * still running (`pg_snapshot_xmin`), ordered by (transaction id, seq): anything that commits
 * later has a transaction id at or above that horizon, so it sorts after the position.
 * The price: a transaction left open anywhere in the same PostgreSQL cluster holds the relay
 * back until it ends (Debezium in Kafka mode reads the WAL in commit order and has no such limit).
 */
export async function readOutbox(pool: pg.Pool, after: OutboxPosition, types: readonly string[], limit: number): Promise<OutboxRow[]> {
  // Named: PostgreSQL parses and plans it once per connection, not once per batch.
  const { rows } = await pool.query<OutboxRow>({
    name: 'ficus_outbox_read',
    text: `SELECT seq::text, tx_id::text, aggregate_id, payload::text FROM outbox
      WHERE (tx_id, seq) > ($1::xid8, $2::bigint)
        AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        AND type = ANY($3::text[])
      ORDER BY tx_id, seq
      LIMIT $4`,
    values: [after.txId, after.seq, types, limit],
  });
  return rows;
}

/** Events in the outbox after the position (for the lag metric). */
export async function countAfter(pool: pg.Pool, after: OutboxPosition, types: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])`,
    [after.txId, after.seq, types],
  );
  return rows[0]?.n ?? 0;
}

/** Whether anything is after the position, readable yet or not (cheap: stops at the first row). */
export async function anyAfter(pool: pg.Pool, after: OutboxPosition, types: readonly string[]): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>({
    name: 'ficus_outbox_any_after',
    text: `SELECT EXISTS (SELECT 1 FROM outbox WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])) AS found`,
    values: [after.txId, after.seq, types],
  });
  return rows[0]?.found ?? false;
}
