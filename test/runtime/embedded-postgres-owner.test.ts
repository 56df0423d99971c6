import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../runtime/embedded-postgres.ts';
import { freePort } from '../../bench/support/free-port.ts';
import { PROJECT_ROOT } from '../support/ficus-process.ts';

/**
 * A data folder's PostgreSQL left running by a Ficus process killed with SIGKILL is stopped by the
 * next start; one that a live Ficus process still uses is refused, never stopped under it (two
 * benches sharing the default folder stopped each other's server).
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'ficus-owner-'));
const logger = createLogger({ level: 'silent', format: 'json' });
let holder: ChildProcess | undefined;
let cluster: EmbeddedCluster | undefined;

afterAll(async () => {
  holder?.kill('SIGKILL');
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function hold(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/runtime/support/hold-embedded-postgres.ts'], {
    cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, PG_PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it was ready`)));
  });
}

describe('embedded PostgreSQL data folder ownership', () => {
  it('refuses a folder a live Ficus process uses, and takes over one whose process was killed', async () => {
    const port = await freePort();
    holder = await hold(port);
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort(), logger })).rejects.toThrow(`is in use by Ficus process ${holder.pid}`);
    // The holder's server still answers: nothing was stopped.
    const pg = (await import('pg')).default;
    const probe = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${port}/postgres` });
    await probe.connect();
    await probe.end();

    const exited = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    holder = undefined;
    cluster = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, extraSettings: { fsync: 'off' } });
    const client = new pg.Client({ connectionString: cluster.url('postgres') });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  }, 120_000);
});
