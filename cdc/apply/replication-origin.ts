import type pg from 'pg';

/**
 * Tags every transaction this session commits with replication origin `name` (DESIGN "No
 * loops"). PostgreSQL writes the origin into the commit record; pgoutput then announces it
 * before the transaction's changes (the embedded reader puts it in source.origin, Debezium
 * ≥ 3.5 likewise), and a PG 16+ publication created WITH (origin = none) drops such
 * transactions at the server. It costs nothing per row, needs no table in the written
 * database, and cannot be forgotten by a code path the way a "who wrote this" column can.
 * Needs superuser or EXECUTE on pg_replication_origin_* (granted explicitly).
 */
export async function useReplicationOrigin(client: pg.ClientBase, name: string): Promise<void> {
  try {
    await client.query('SELECT pg_replication_origin_create($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_origin WHERE roname = $1)', [name]);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error; // created concurrently
  }
  // An origin is usable by one session at a time; the backend of a killed predecessor may still
  // be exiting, so wait for it briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query('SELECT pg_replication_origin_session_setup($1)', [name]);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
