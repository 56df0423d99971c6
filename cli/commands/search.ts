import { Kysely, PostgresDialect } from 'kysely';
import type { Command } from 'commander';
import pg from 'pg';
import { createLogger } from '../../platform/logger.ts';
import { loadConfig } from '../../runtime/config.ts';
import { embeddedUrl } from '../../runtime/embedded-postgres.ts';
import { loadSearchSettings, searchBackendFromSettings } from '../../services/kit/index.ts';
import { rebuildSearchIndex } from '../../services/search-index.ts';
import { describeDatabases } from '../databases-used.ts';
import { embeddedClusterForCommand } from '../embedded-cluster-for-cli.ts';

interface RebuildOptions {
  serviceUrl?: string;
  legacyUrl?: string;
}

/**
 * `ficus search rebuild`: every search document again from the tables (contents, posts and
 * questions where their modules live now, the mall's products from the monolith), swapped into
 * the backend the settings choose (SEARCH_BACKEND) at once; searches answer from the old index
 * until then, and the running indexer's changes meanwhile reach both. For a new backend, a changed
 * SEARCH_LANGUAGE, or an index restored from elsewhere.
 */
export function registerSearch(program: Command): void {
  const search = program.command('search').description('the platform search index (issue 23)');
  search
    .command('rebuild')
    .description('rebuild the search index from the tables of M06, M11, M12 and the mall products, and swap it in at once')
    .option('--service-url <url>', "content's database svc_content (default: FICUS_SERVICE_DB_CONTENT, or svc_content in the embedded cluster)")
    .option('--legacy-url <url>', 'the monolith (default: LEGACY_DATABASE_URL, or the embedded legacy database)')
    .action(async (options: RebuildOptions) => {
      const config = loadConfig();
      const settings = loadSearchSettings();
      const embedded = !options.serviceUrl || !options.legacyUrl;
      const stopCluster = embedded ? await embeddedClusterForCommand(config) : async () => undefined;
      const serviceUrl = options.serviceUrl ?? process.env.FICUS_SERVICE_DB_CONTENT ?? embeddedUrl(config.postgresPort, 'svc_content');
      const legacyUrl = options.legacyUrl ?? config.legacyDatabaseUrl ?? embeddedUrl(config.postgresPort, config.legacyDatabaseName);
      process.stderr.write(describeDatabases({ service: serviceUrl, legacy: legacyUrl }));
      const pool = new pg.Pool({ connectionString: serviceUrl, max: 4, application_name: 'ficus_search_rebuild' });
      const legacyPool = new pg.Pool({ connectionString: legacyUrl, max: 4, application_name: 'ficus_search_rebuild' });
      pool.on('error', () => undefined);
      legacyPool.on('error', () => undefined);
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
      try {
        const backend = await searchBackendFromSettings(settings, { pool });
        const { indexed, ms } = await rebuildSearchIndex({ backend, db, pool, legacyPool, logger: createLogger({ level: 'warn', format: 'json', destination: process.stderr }) });
        await backend.close();
        process.stdout.write(`search index rebuilt (${backend.name}): ${indexed} documents in ${(ms / 1000).toFixed(1)} s\n`);
      } finally {
        await db.destroy().catch(() => undefined);
        await legacyPool.end();
        await stopCluster();
      }
    });
}
