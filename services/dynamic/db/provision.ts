import { ensureDatabase } from '../../../runtime/ensure-database.ts';
import { KIT_MIGRATIONS } from '../../kit/db/kit-migrations.ts';
import { runMigrations } from '../../kit/db/migrations.ts';
import pg from 'pg';
import { DYNAMIC_MIGRATIONS } from './migrations.ts';

/**
 * Creates svc_dynamic when missing and brings it to the schema the kit gives every service
 * (kit tables first, then dynamic's own), the same list `openServiceDatabase` applies, so the
 * migration control plane and the service runner agree on `ficus_migrations`.
 */
export async function provisionDynamicDatabase(serviceUrl: string): Promise<void> {
  const url = new URL(serviceUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), name);
  const pool = new pg.Pool({ connectionString: serviceUrl, max: 2 });
  try {
    await runMigrations(pool, [...KIT_MIGRATIONS, ...DYNAMIC_MIGRATIONS]);
  } finally {
    await pool.end();
  }
}
