import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../../../runtime/embedded-postgres.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { freePort } from '../../../../bench/support/free-port.ts';
import { copyPrivateClusterSeed, THROWAWAY_SETTINGS } from '../../../support/private-cluster-seed.ts';
import type { EmbeddedCluster } from '../../../../runtime/embedded-postgres.ts';

const LEGACY_DUMP = path.resolve(import.meta.dirname, '../../../../fixtures/hp_legacy.sql.gz');

/**
 * A PostgreSQL of the test's own, with the legacy database restored. Replication slots are
 * named per module and live per cluster: a test that runs the M04/M20 syncs here cannot meet
 * the trade golden test's slots in the shared test cluster, however vitest schedules the files.
 * It starts from a copy of the run's seed cluster (legacy restored from fixtures/hp_legacy.sql.gz,
 * control empty), built by the run's first private cluster (test/support/private-cluster-seed.ts).
 */
export async function startPrivateCluster(): Promise<{ cluster: EmbeddedCluster; legacyUrl: string; stop(): Promise<void> }> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', format: 'json' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-private-'));
  await copyPrivateClusterSeed(inject('testCluster').privateClusterSeed, LEGACY_DUMP, dataDir, logger);
  const cluster = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, extraSettings: THROWAWAY_SETTINGS });
  return {
    cluster,
    legacyUrl: cluster.url('legacy'),
    async stop() {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
