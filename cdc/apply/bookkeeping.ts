import type pg from 'pg';
import { PARKED_CHANGES_DDL } from './parked-changes.ts';

/**
 * The applier's own state, in the target database next to the rows it writes (so both commit
 * together), in schema `ficus_cdc` so it never mixes with a service's tables:
 * - row_position: the source position of the last change applied per (table, primary key),
 *   kept after a delete (deleted = true) so a late or replayed older change cannot resurrect
 *   the row;
 * - checkpoint: per source, the progress the source stored with the batch (JSON, shaped by the
 *   source: the embedded reader keeps LSNs and its snapshot state there);
 * - parked_change: changes the target refused, kept so that nothing after them waits (parked-changes.ts).
 */
export const BOOKKEEPING_DDL = `
CREATE SCHEMA IF NOT EXISTS ficus_cdc;
CREATE TABLE IF NOT EXISTS ficus_cdc.row_position (
  table_name text    NOT NULL,
  pk         text    NOT NULL,
  lsn        bigint  NOT NULL,
  snapshot   boolean NOT NULL,
  deleted    boolean NOT NULL,
  PRIMARY KEY (table_name, pk)
);
CREATE TABLE IF NOT EXISTS ficus_cdc.checkpoint (
  source     text PRIMARY KEY,
  position   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;

export async function ensureBookkeeping(client: pg.ClientBase): Promise<void> {
  // Two appliers starting at once on an empty database would race on CREATE … IF NOT EXISTS.
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['ficus_cdc.bookkeeping']);
  try {
    await client.query(BOOKKEEPING_DDL);
    await client.query(PARKED_CHANGES_DDL);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['ficus_cdc.bookkeeping']);
  }
}

export async function readCheckpoint<T>(client: pg.ClientBase, source: string): Promise<T | null> {
  const { rows } = await client.query<{ position: T }>('SELECT position FROM ficus_cdc.checkpoint WHERE source = $1', [source]);
  return rows[0]?.position ?? null;
}

export async function writeCheckpoint(client: pg.ClientBase, source: string, position: unknown): Promise<void> {
  await client.query(
    `INSERT INTO ficus_cdc.checkpoint (source, position) VALUES ($1, $2::jsonb)
     ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [source, JSON.stringify(position)],
  );
}
