import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { FicusConfig } from '../runtime/settings.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../platform/logger.ts';

/**
 * Read-only commands (`migrate status|plan`, `reconcile`) need PostgreSQL, not the gateway. When
 * Ficus is not running, its embedded cluster is started from the data folder just for the command
 * and stopped after it; when it runs (or LEGACY_DATABASE_URL points elsewhere) nothing is started.
 * Resolves to the function that stops what was started.
 */
export async function embeddedClusterForCommand(config: FicusConfig): Promise<() => Promise<void>> {
  const probe = new pg.Client({ connectionString: embeddedUrl(config.postgresPort, 'postgres'), connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    await probe.end();
    return async () => undefined;
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== 'ECONNREFUSED') throw error;
  }
  if (config.legacyDatabaseUrl === undefined && !existsSync(path.join(config.dataDir, 'pg', 'PG_VERSION'))) {
    throw new Error(`Ficus has never started with FICUS_DATA_DIR=${config.dataDir}: run \`npm start\` first`);
  }
  process.stderr.write(`Ficus is not running: starting its PostgreSQL (${config.dataDir}) for this command\n`);
  const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.postgresPort, logger: createLogger({ level: 'warn', format: 'json', destination: process.stderr }) });
  return () => cluster.stop();
}
