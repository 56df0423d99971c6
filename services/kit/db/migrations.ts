import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inClientTransaction } from '../../../platform/pg-transaction.ts';

/** A forward-only schema change. Once applied its SQL must never change: add a new one instead. */
export interface Migration {
  /** Unique and sortable within its list, e.g. `0001_marketplace_tables`. */
  id: string;
  sql: string;
}

/** The service must not start: its database and its code disagree about the schema. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/** Serialises concurrent starts of the same service (two replicas, a restart racing a crash). */
const MIGRATION_LOCK = 0x66696375; // "ficu"

/**
 * Applies what is missing, in list order, each migration in its own transaction with its row in
 * `ficus_migrations`. Refuses to run when the database holds a migration this code does not
 * have, when an applied migration's SQL changed (checksum), or when a new migration was slotted
 * in before an applied one: each of those means the running schema is not what the code expects.
 */
export async function runMigrations(pool: pg.Pool, migrations: readonly Migration[]): Promise<{ applied: string[] }> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new MigrationError(`migration ${m.id} is listed twice`);
    ids.add(m.id);
  }
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS ficus_migrations (
      position integer PRIMARY KEY,
      id text NOT NULL UNIQUE,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ position: number; id: string; checksum: string }>(
      'SELECT position, id, checksum FROM ficus_migrations ORDER BY position',
    );
    rows.forEach((row, index) => {
      const expected = migrations[index];
      if (!expected || expected.id !== row.id) {
        const known = migrations.find((m) => m.id === row.id);
        throw new MigrationError(
          known
            ? `applied migration ${row.id} is at position ${index} in the database but ${migrations.indexOf(known)} in the code: migrations are append-only`
            : `the database has migration ${row.id}, which this code does not know (removed, renamed, or the code is older than the database)`,
        );
      }
      if (migrationChecksum(expected) !== row.checksum) {
        throw new MigrationError(`migration ${row.id} was changed after it was applied (checksum differs); write a new migration instead`);
      }
    });
    const applied: string[] = [];
    for (const [position, migration] of migrations.entries()) {
      if (position < rows.length) continue;
      await inClientTransaction(client, async () => {
        await client.query(migration.sql);
        await client.query('INSERT INTO ficus_migrations (position, id, checksum) VALUES ($1, $2, $3)', [
          position,
          migration.id,
          migrationChecksum(migration),
        ]);
      }).catch((error: Error) => {
        throw new MigrationError(`migration ${migration.id} failed: ${error.message}`);
      });
      applied.push(migration.id);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
