import type pg from 'pg';
import type { ChangeEvent } from '../../../cdc/events/change-event.ts';

/**
 * Changes a legacy code path made to a table the service owns. They are never dropped: each
 * becomes a command row in the service database, written in the same transaction as the
 * reader's checkpoint, and the owning service applies it with its own rules (services/<name>/
 * commands). Idempotent by (source LSN, table, key), so a replayed batch adds nothing.
 */
export const LEGACY_COMMAND_DDL = `
CREATE SCHEMA IF NOT EXISTS ficus_cdc;
CREATE TABLE IF NOT EXISTS ficus_cdc.legacy_command (
  id          bigserial PRIMARY KEY,
  source_lsn  bigint NOT NULL,
  table_name  text NOT NULL,
  op          text NOT NULL,
  pk          text NOT NULL,
  row_after   jsonb,
  row_before  jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at     timestamptz,
  outcome     text,
  UNIQUE (source_lsn, table_name, pk, op)
);
CREATE INDEX IF NOT EXISTS legacy_command_pending ON ficus_cdc.legacy_command (id) WHERE done_at IS NULL;`;

export const LEGACY_COMMAND_CHANNEL = 'ficus_legacy_command';

export async function ensureLegacyCommandTable(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['ficus_cdc.legacy_command']);
  try {
    await client.query(LEGACY_COMMAND_DDL);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['ficus_cdc.legacy_command']);
  }
}

function keyOf(event: ChangeEvent): string {
  return JSON.stringify(event.key ?? {});
}

export async function insertLegacyCommands(client: pg.ClientBase, events: readonly ChangeEvent[]): Promise<void> {
  if (!events.length) return;
  await client.query(
    `INSERT INTO ficus_cdc.legacy_command (source_lsn, table_name, op, pk, row_after, row_before)
     SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.value.source.lsn),
      events.map((e) => e.value.source.table),
      events.map((e) => e.value.op),
      events.map(keyOf),
      events.map((e) => (e.value.after ? JSON.stringify(e.value.after) : null)),
      events.map((e) => (e.value.before ? JSON.stringify(e.value.before) : null)),
    ],
  );
  await client.query('SELECT pg_notify($1, $2)', [LEGACY_COMMAND_CHANNEL, String(events.length)]);
}
