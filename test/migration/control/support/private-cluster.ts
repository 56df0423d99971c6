import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../../../runtime/embedded-postgres.ts';
import { restoreInto } from '../../../../runtime/legacy-database.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { freePort } from '../../../../bench/support/free-port.ts';

const LEGACY_DUMP = path.resolve(import.meta.dirname, '../../../../fixtures/hp_legacy.sql.gz');

/**
 * A PostgreSQL of the test's own, with the legacy database restored. Replication slots are
 * named per module and live per cluster: a test that runs the M04/M20 syncs here cannot meet
 * the trade golden test's slots in the shared test cluster, however vitest schedules the files.
 */
export async function startPrivateCluster(): Promise<{ cluster: EmbeddedCluster; legacyUrl: string; stop(): Promise<void> }> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', format: 'json' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-private-'));
  const cluster = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, extraSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE legacy');
  await admin.query('CREATE DATABASE control');
  await admin.end();
  await restoreInto(cluster.url('postgres'), 'legacy', LEGACY_DUMP);
  return {
    cluster,
    legacyUrl: cluster.url('legacy'),
    async stop() {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
