import pg from 'pg';
import { ensureDatabase } from '../../../platform/ensure-database.ts';
import { KIT_MIGRATIONS } from './kit-migrations.ts';
import { runMigrations, type Migration } from './migrations.ts';

/**
 * Creates a service's database when missing and brings it to the kit's tables and then the
 * service's own: the same list `openServiceDatabase` applies, so the migration control plane
 * (which provisions before a backfill) and the service runner agree on `ficus_migrations`.
 */
export async function provisionServiceDatabase(serviceUrl: string, migrations: readonly Migration[]): Promise<void> {
  const url = new URL(serviceUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), name);
  const pool = new pg.Pool({ connectionString: serviceUrl, max: 2 });
  try {
    await runMigrations(pool, [...KIT_MIGRATIONS, ...migrations]);
  } finally {
    await pool.end();
  }
}
