import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../runtime/embedded-postgres.ts';
import { ensureLegacyDatabase } from '../../runtime/legacy-database.ts';
import { createLogger } from '../../platform/logger.ts';
import { statementSettings } from './pg-statements.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const BENCH_DIR = process.env.FICUS_BENCH_DIR ?? '/tmp/ficus-bench';

export interface BenchCluster {
  cluster: EmbeddedCluster;
  legacyPool: pg.Pool;
  /** The folder the cluster lives under (`<dataDir>/pg`). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL for benchmarks, kept under /tmp between runs (the legacy dump is
 * restored once), with production settings (fsync on): benchmarks measure what users get.
 */
export async function startBenchCluster(port = Number(process.env.FICUS_BENCH_PG_PORT ?? 54398)): Promise<BenchCluster> {
  const logger = createLogger({ level: 'warn', format: 'json' });
  await mkdir(BENCH_DIR, { recursive: true });
  const cluster = await startEmbeddedPostgres({ dataDir: BENCH_DIR, port, logger, extraSettings: statementSettings() });
  await ensureLegacyDatabase({
    adminUrl: cluster.url('postgres'),
    databaseName: 'legacy',
    dumpPath: path.join(PROJECT_ROOT, 'fixtures/hp_legacy.sql.gz'),
    logger,
  });
  const legacyPool = new pg.Pool({ connectionString: cluster.url('legacy'), max: 16 });
  legacyPool.on('error', () => {});
  return {
    cluster,
    legacyPool,
    dataDir: BENCH_DIR,
    async stop() {
      await legacyPool.end();
      await cluster.stop();
    },
  };
}
