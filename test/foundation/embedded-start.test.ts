import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { PostgresStartError, startEmbeddedPostgres } from '../../runtime/embedded-postgres.ts';
import { runFicus, waitForHttp } from '../support/ficus-process.ts';
import { freePort } from '../../bench/support/free-port.ts';
import { checkDashboard } from '../deploy/support/dashboard-check.ts';

const made: string[] = [];
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ficus-start-'));
  made.push(dir);
  return dir;
}
afterAll(async () => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

function postgresProcessesUsing(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `${dataDir}/pg`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('ficus start (embedded)', () => {
  it('restores the legacy database on the first start, stops on SIGTERM, and starts again fast with the data kept', async () => {
    const dataDir = await scratchDir();
    const env = { FICUS_DATA_DIR: dataDir, FICUS_PG_PORT: String(await freePort()), FICUS_PORT: String(await freePort()) };
    const readyz = `http://127.0.0.1:${env.FICUS_PORT}/readyz`;

    const first = runFicus(['start'], env);
    // Waits are hang guards sized for a loaded 2-core machine; the figures are printed, not asserted.
    const firstReadyMs = await waitForHttp(readyz, 170_000);

    const legacy = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${env.FICUS_PG_PORT}/legacy` });
    await legacy.connect();
    const modules = await legacy.query(`SELECT count(*)::int AS n FROM ir_module_module WHERE name LIKE 'hp\\_%' AND state = 'installed'`);
    const users = await legacy.query(`SELECT count(*)::int AS n FROM res_users`);
    await legacy.query(`CREATE TABLE ficus_start_marker (note text); INSERT INTO ficus_start_marker VALUES ('kept')`);
    await legacy.end();
    expect(modules.rows[0].n).toBe(20);
    expect(users.rows[0].n).toBeGreaterThanOrEqual(300);

    const metrics = await (await fetch(`http://127.0.0.1:${env.FICUS_PORT}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect((await fetch(`http://127.0.0.1:${env.FICUS_PORT}/healthz`)).status).toBe(200);

    // The Grafana dashboard (deploy/grafana) against a real Prometheus scraping this Ficus.
    const dashboard = await checkDashboard(`http://127.0.0.1:${env.FICUS_PORT}`, ['REST requests per second', 'REST latency p50 / p99', 'Odoo API calls per second', 'Odoo API latency p50 / p99']);
    expect(dashboard).toEqual({ refused: [], unknownMetrics: [], emptyTrafficPanels: [], scrape: { up: 1, error: '' } });

    const stopAsked = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const stopMs = Date.now() - stopAsked;
    expect(postgresProcessesUsing(dataDir)).toEqual([]);

    const second = runFicus(['start'], env);
    const secondReadyMs = await waitForHttp(readyz, 120_000);
    const again = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${env.FICUS_PG_PORT}/legacy` });
    await again.connect();
    const marker = await again.query(`SELECT note FROM ficus_start_marker`);
    await again.end();
    expect(marker.rows).toEqual([{ note: 'kept' }]);

    // `ficus db reset` while Ficus runs: the change is gone, and Ficus keeps serving.
    const reset = runFicus(['db', 'reset'], env);
    expect(await reset.exited).toBe(0);
    const fresh = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${env.FICUS_PG_PORT}/legacy` });
    await fresh.connect();
    const gone = await fresh.query(`SELECT to_regclass('ficus_start_marker') AS marker`);
    await fresh.end();
    expect(gone.rows[0].marker).toBeNull();
    await waitForHttp(readyz, 30_000);

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
    console.log(`first start ready in ${firstReadyMs} ms (stopped in ${stopMs} ms), second in ${secondReadyMs} ms`);
  }, 360_000);

  it.each([
    [{ FICUS_PG_PORT: 'abc' }, /invalid setting FICUS_PG_PORT: "abc" is not a port number/],
    [{ FICUS_LEGACY_DUMP: '/nowhere/hp.sql.gz' }, /invalid setting FICUS_LEGACY_DUMP: dump file \/nowhere\/hp.sql.gz does not exist/],
  ])('refuses a bad setting with exit code 2 and starts nothing (%o)', async (bad, message) => {
    const dataDir = path.join(await scratchDir(), 'never-created');
    const run = runFicus(['start'], { FICUS_DATA_DIR: dataDir, FICUS_PORT: String(await freePort()), ...bad });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(message);
    expect(run.output().trim().split('\n')).toHaveLength(1);
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
    const { existsSync } = await import('node:fs');
    expect(existsSync(dataDir)).toBe(false);
  });

  it("shows PostgreSQL's own reason when it refuses to start", async () => {
    const dataDir = await scratchDir();
    const port = await freePort();
    const logger = createLogger({ level: 'silent', format: 'json' });
    const cluster = await startEmbeddedPostgres({ dataDir, port, logger });
    const client = new pg.Client({ connectionString: cluster.url('postgres') });
    await client.connect();
    await client.query(`SELECT pg_create_logical_replication_slot('ficus_probe', 'pgoutput')`);
    await client.end();
    await cluster.stop();

    const failure = startEmbeddedPostgres({ dataDir, port, logger, extraSettings: { wal_level: 'replica' } });
    await expect(failure).rejects.toBeInstanceOf(PostgresStartError);
    await expect(failure).rejects.toThrow(/FATAL: .*logical replication slot "ficus_probe" exists/);
  });
});
