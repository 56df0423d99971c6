import pg from 'pg';
import { quoteIdent } from './quote-ident.ts';

/**
 * PostgreSQL's answers when another session created the same database between our look-up
 * and our CREATE: duplicate_database once the other commit is visible, unique_violation on
 * pg_database's name index while it is still in flight.
 */
const CREATED_CONCURRENTLY = new Set(['42P04', '23505']);

/**
 * Creates an empty database on the cluster if it does not exist yet (Ficus's own: control,
 * services). Several processes may start at once (`ficus serve` per service, test workers):
 * all of them succeed, exactly one creates it.
 */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      if (!CREATED_CONCURRENTLY.has((error as { code?: string }).code ?? '')) throw error;
    }
  } finally {
    await admin.end();
  }
}
