import pg from 'pg';
import type { Logger } from 'pino';
import { restoreSqlDump, type RestoreProgress } from './sql-dump-restore.ts';
import { quoteIdent } from '../platform/quote-ident.ts';

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
    await dropTemplate(admin, pristineName(databaseName));
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);

    const started = Date.now();
    logger.info({ dumpPath, database: databaseName }, 'restoring the legacy database (first start)');
    await restoreInto(adminUrl, scratch, dumpPath, options.onProgress);
    // A pristine template next to it makes `ficus db reset` a sub-second copy instead of a restore.
    await admin.query(`CREATE DATABASE ${quoteIdent(pristineName(databaseName))} TEMPLATE ${quoteIdent(scratch)} STRATEGY FILE_COPY`);
    await admin.query(`ALTER DATABASE ${quoteIdent(pristineName(databaseName))} WITH IS_TEMPLATE true`);
    await admin.query(`ALTER DATABASE ${quoteIdent(scratch)} RENAME TO ${quoteIdent(databaseName)}`);
    logger.info({ database: databaseName, ms: Date.now() - started }, 'legacy database restored');
    return true;
  } finally {
    await admin.end();
  }
}

/** The untouched copy of the legacy database kept as a template. */
export function pristineName(databaseName: string): string {
  return `${databaseName}__pristine`;
}

async function dropTemplate(admin: pg.Client, name: string): Promise<void> {
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rows.length) return;
  await admin.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
  await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
}

/**
 * Puts the embedded legacy database back as it was after the first restore (every change since
 * is lost): drops it, closing its connections, and copies the pristine template.
 */
export async function resetLegacyDatabase(adminUrl: string, databaseName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [pristineName(databaseName)]);
    if (!rows.length) throw new Error(`no pristine copy of ${databaseName}: it was not restored by this Ficus version; delete the data folder to restore it again`);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName)} WITH (FORCE)`);
    // WAL_LOG (the default strategy) avoids the two checkpoints FILE_COPY forces: faster on a busy server.
    await admin.query(`CREATE DATABASE ${quoteIdent(databaseName)} TEMPLATE ${quoteIdent(pristineName(databaseName))}`);
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
