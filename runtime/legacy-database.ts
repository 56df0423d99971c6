import pg from 'pg';
import type { Logger } from 'pino';
import { restoreSqlDump, type RestoreProgress } from './sql-dump-restore.ts';

export interface EnsureLegacyOptions {
  /** URL of the maintenance database (`postgres`) of the cluster. */
  adminUrl: string;
  databaseName: string;
  dumpPath: string;
  logger: Logger;
  onProgress?: (progress: RestoreProgress) => void;
}

/**
 * Makes sure database `databaseName` holds the legacy monolith. The dump is restored into a
 * scratch database that is renamed only when complete, so a crash mid-restore never leaves
 * a half-loaded `legacy` behind: the next start simply restores again.
 * Returns whether a restore happened.
 */
export async function ensureLegacyDatabase(options: EnsureLegacyOptions): Promise<boolean> {
  const { adminUrl, databaseName, dumpPath, logger } = options;
  const scratch = `${databaseName}__restoring`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const existing = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
      [[databaseName, scratch]],
    );
    const names = new Set(existing.rows.map((r) => r.datname));
    if (names.has(databaseName)) return false;
    if (names.has(scratch)) await admin.query(`DROP DATABASE ${quoteIdent(scratch)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);

    const started = Date.now();
    logger.info({ dumpPath, database: databaseName }, 'restoring the legacy database (first start)');
    await restoreInto(adminUrl, scratch, dumpPath, options.onProgress);
    await admin.query(`ALTER DATABASE ${quoteIdent(scratch)} RENAME TO ${quoteIdent(databaseName)}`);
    logger.info({ database: databaseName, ms: Date.now() - started }, 'legacy database restored');
    return true;
  } finally {
    await admin.end();
  }
}

export async function restoreInto(
  adminUrl: string,
  database: string,
  dumpPath: string,
  onProgress?: (progress: RestoreProgress) => void,
): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await restoreSqlDump(client, dumpPath, onProgress);
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
