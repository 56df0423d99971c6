import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../runtime/embedded-postgres.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { restoreInto } from '../../runtime/legacy-database.ts';
import { createLogger } from '../../platform/logger.ts';
import { ensureFilestore } from '../../runtime/filestore.ts';
import { freePort } from '../../bench/support/free-port.ts';
import { THROWAWAY_SETTINGS } from './private-cluster-seed.ts';
import { clusterUrl, type TestClusterInfo } from './test-cluster.ts';
import { endTestRun, startTestRun } from './test-run.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
const TEMPLATES = { legacy: 'tpl_hp_legacy', odooRef: 'tpl_odoo_ref' };

let cluster: EmbeddedCluster | undefined;
let dataDir: string | undefined;
let runDir: string | undefined;

/**
 * One embedded PostgreSQL for the whole run, under /tmp (as root its `postgres` user must be
 * able to reach the folder). Both dumps are restored once into template databases; each test
 * file then copies the one it needs (see databases.ts), which takes well under a second.
 * fsync is off: this cluster is thrown away at the end of the run.
 */
export async function setup(project: TestProject): Promise<void> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', format: 'json' });
  // Every temporary folder of the run (test files use os.tmpdir()) and every process it starts
  // (they inherit TMPDIR) is found again by the teardown through this one folder.
  runDir = await startTestRun();
  dataDir = await mkdtemp(path.join(runDir, 'ficus-test-'));
  const port = await freePort();
  cluster = await startEmbeddedPostgres({
    dataDir,
    port,
    logger,
    extraSettings: THROWAWAY_SETTINGS,
  });
  const filestores = {
    legacy: path.join(dataDir, 'filestore', 'hp_legacy'),
    odooRef: path.join(dataDir, 'filestore', 'odoo_ref'),
  };
  // Tests that run module syncs beside others' start a cluster of their own (replication slots are
  // named per module and live per cluster); each copies one stopped cluster kept at this path,
  // which the first of them builds (private-cluster-seed.ts): a run that starts none pays nothing.
  const privateClusterSeed = path.join(runDir, 'ficus-private-seed');
  const info: TestClusterInfo = { port, socketDirectory: cluster.socketDirectory, user: cluster.user, password: cluster.password, templates: TEMPLATES, filestores, privateClusterSeed };
  const adminUrl = clusterUrl(info, 'postgres');
  await Promise.all([
    ensureFilestore(path.join(FIXTURES, 'hp_legacy_filestore.tar.gz'), filestores.legacy),
    ensureFilestore(path.join(FIXTURES, 'odoo_ref_filestore.tar.gz'), filestores.odooRef),
    createTemplate(adminUrl, TEMPLATES.legacy, path.join(FIXTURES, 'hp_legacy.sql.gz')),
    createTemplate(adminUrl, TEMPLATES.odooRef, path.join(FIXTURES, 'odoo_ref.sql.gz')),
  ]);
  project.provide('testCluster', info);
}

/**
 * Runs whether the suites passed, failed or timed out: stops the shared cluster, then whatever a
 * failed or timed-out test left running (a Ficus child, its PostgreSQL, a redis-server), then
 * removes every temporary folder of the run.
 */
export async function teardown(): Promise<void> {
  await cluster?.stop().catch(() => undefined);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (runDir) await endTestRun(runDir);
}

async function createTemplate(adminUrl: string, name: string, dumpPath: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await restoreInto(adminUrl, name, dumpPath);
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true`);
  } finally {
    await admin.end();
  }
}
