import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../../runtime/embedded-postgres.ts';
import { resetLegacyDatabase } from '../../runtime/legacy-database.ts';
import { createLogger } from '../../platform/logger.ts';

export function registerDb(program: Command): void {
  const db = program.command('db').description('the embedded legacy database');
  db.command('reset')
    .description('put the embedded legacy database back as restored from the dump (every change is lost); works while Ficus runs')
    .action(async () => {
      const config = loadConfig();
      if (config.legacyDatabaseUrl) throw new Error('LEGACY_DATABASE_URL is set: Ficus never resets a database it does not own');
      const logger = createLogger({ level: config.logLevel, format: config.logFormat as 'auto' });
      const adminUrl = embeddedUrl(config.postgresPort, 'postgres');
      const started = Date.now();
      try {
        await resetLegacyDatabase(adminUrl, config.legacyDatabaseName);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ECONNREFUSED') throw error;
        // Ficus is not running: start its PostgreSQL just for this.
        const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.postgresPort, logger });
        try {
          await resetLegacyDatabase(cluster.url('postgres'), config.legacyDatabaseName);
        } finally {
          await cluster.stop();
        }
      }
      console.log(`legacy database ${config.legacyDatabaseName} reset in ${Date.now() - started} ms`);
    });
}
