import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ensureLegacyDatabase } from '../../runtime/legacy-database.ts';
import { createLogger } from '../../platform/logger.ts';
import { PROJECT_ROOT, type BenchCluster } from './bench-cluster.ts';

/** The name of the golden reference database (stock Odoo 18 with demo data) in the bench cluster. */
export const ODOO_REF = 'odoo_ref';

export interface OdooRefBenchDatabase {
  /** URL of `odoo_ref` in the bench cluster, through its Unix socket (how `ficus start` connects its engine). */
  url: string;
  /** The same database over TCP loopback, to measure what the socket saves. */
  tcpUrl: string;
  /** The cluster's postmaster: its process tree is this benchmark's PostgreSQL (backends included). */
  postmasterPid: number;
}

/**
 * `odoo_ref` (fixtures/odoo_ref.sql.gz, the database the test cluster's `tpl_odoo_ref` template
 * holds) in the bench cluster: restored on the first run and kept, like `legacy`. Benchmarks only
 * read it, so one copy serves every run.
 */
export async function ensureOdooRefBenchDatabase(bench: BenchCluster): Promise<OdooRefBenchDatabase> {
  await ensureLegacyDatabase({
    adminUrl: bench.cluster.url('postgres'),
    databaseName: ODOO_REF,
    dumpPath: path.join(PROJECT_ROOT, 'fixtures/odoo_ref.sql.gz'),
    logger: createLogger({ level: 'warn', format: 'json' }),
  });
  const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ data_directory: string }>('SHOW data_directory');
    const postmasterPid = Number((await readFile(path.join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return { url: bench.cluster.socketUrl(ODOO_REF), tcpUrl: bench.cluster.url(ODOO_REF), postmasterPid };
  } finally {
    await admin.end();
  }
}
