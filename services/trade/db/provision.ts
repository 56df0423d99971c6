import pg from 'pg';
import { ensureDatabase } from '../../../runtime/ensure-database.ts';
import { KIT_MIGRATIONS } from '../../kit/db/kit-migrations.ts';
import { runMigrations } from '../../kit/db/migrations.ts';
import { TRADE_MIGRATIONS } from './migrations.ts';

/**
 * Creates svc_trade when missing and brings it to the kit's tables and trade's own, the list
 * `openServiceDatabase` applies, so the control plane and the service runner agree.
 */
export async function provisionTradeDatabase(serviceUrl: string): Promise<void> {
  const url = new URL(serviceUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), name);
  const pool = new pg.Pool({ connectionString: serviceUrl, max: 2 });
  try {
    await runMigrations(pool, [...KIT_MIGRATIONS, ...TRADE_MIGRATIONS]);
  } finally {
    await pool.end();
  }
}
