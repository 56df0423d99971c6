import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { KitTables } from './kit-tables.ts';
import { KIT_MIGRATIONS } from './kit-migrations.ts';
import { runMigrations, type Migration } from './migrations.ts';

/** A service's own database: one pool, Kysely over it, and the raw pool for the bus's hot paths. */
export interface ServiceDatabase<DB> {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly db: Kysely<DB & KitTables>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url: string;
  service: string;
  logger: Logger;
  migrations: readonly Migration[];
  maxConnections?: number;
}

/** Opens the database and brings its schema up to date (kit tables first), or refuses to. */
export async function openServiceDatabase<DB>({ url, service, logger, migrations, maxConnections = 10 }: OpenDatabaseOptions): Promise<ServiceDatabase<DB>> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, application_name: `ficus-${service}` });
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle service database connection failed'));
  try {
    const { applied } = await runMigrations(pool, [...KIT_MIGRATIONS, ...migrations]);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = new Kysely<DB & KitTables>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    url,
    pool,
    db,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool too
    },
  };
}

export function serviceDatabaseName(service: string): string {
  return `svc_${service}`;
}
