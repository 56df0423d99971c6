import type pg from 'pg';

/**
 * How many rows a service copy changed after legacy WAL position `lsn`: the forward applier
 * records, per row, the position of the last change it applied (cdc/apply/bookkeeping.ts,
 * kept for deleted rows too), so a row inserted, moved or deleted since then is counted once
 * however often it changed. Rows of every table of the copy count: a bound, never too small
 * for one model's aggregate. Snapshot rows carry the backfill's consistent point, not a change.
 *
 * A change's position is where it was written, not where its transaction committed: a
 * transaction still open at `lsn` that commits later is missed. Legacy writes last
 * milliseconds, and the comparer's `lsn` is a marker the service waited for, further back
 * than the service's own position.
 */
export async function rowsChangedSince(service: pg.Pool, lsn: number): Promise<number> {
  const { rows } = await service.query<{ changed: number }>('SELECT count(*)::int AS changed FROM ficus_cdc.row_position WHERE lsn > $1 AND NOT snapshot', [lsn]);
  return rows[0]?.changed ?? 0;
}
