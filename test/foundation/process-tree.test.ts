import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/support/free-port.ts';
import { PROJECT_ROOT, waitForHttp } from '../support/ficus-process.ts';
import { processesWithEnvironment, waitForExit } from '../support/leftover-processes.ts';

/**
 * `npm start` as an operator (or docker, systemd, Kubernetes) runs it: the signal goes to the top
 * process, or to the terminal's whole foreground process group, and everything must stop.
 */
const made: string[] = [];
afterAll(async () => {
  for (const dir of made) {
    for (const { pid } of processesWithEnvironment('FICUS_DATA_DIR', dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

async function scratchEnvironment(): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-signals-'));
  made.push(dataDir);
  return { FICUS_DATA_DIR: dataDir, FICUS_PG_PORT: String(await freePort()), FICUS_PORT: String(await freePort()), LOG_FORMAT: 'json' };
}

/** `npm start` in its own process group, as a shell runs a foreground job. */
function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start', '--silent'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}

async function legacyQuery<T extends pg.QueryResultRow>(env: Record<string, string>, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${env.FICUS_PG_PORT}/legacy` });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function expectNothingLeft(env: Record<string, string>): Promise<void> {
  // Exit of the top process comes first; the tree's last processes may take a moment longer.
  const left = processesWithEnvironment('FICUS_DATA_DIR', env.FICUS_DATA_DIR!);
  const stillAlive = await waitForExit(left.map((p) => p.pid), 10_000);
  expect(left.filter((p) => stillAlive.includes(p.pid))).toEqual([]);
}

describe('npm start: one process tree that stops on a signal to its top', () => {
  it('SIGTERM to the npm process stops Ficus and its PostgreSQL (exit 0, nothing left, data kept); so does SIGINT to the process group', async () => {
    const env = await scratchEnvironment();
    const readyz = `http://127.0.0.1:${env.FICUS_PORT}/readyz`;

    const first = npmStart(env);
    const firstReadyMs = await waitForHttp(readyz, 170_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    await legacyQuery(env, `CREATE TABLE ficus_signal_marker (note text); INSERT INTO ficus_signal_marker VALUES ('kept')`);

    const stopAsked = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    const firstStopMs = Date.now() - stopAsked;
    expect(first.output()).toMatch(/"msg":"stopped"/);
    await expectNothingLeft(env);
    await expect(fetch(readyz)).rejects.toThrow();

    const second = npmStart({ ...env, LOG_LEVEL: 'debug' });
    const secondReadyMs = await waitForHttp(readyz, 120_000);
    expect(await legacyQuery(env, `SELECT note FROM ficus_signal_marker`)).toEqual([{ note: 'kept' }]);

    // A terminal's Ctrl-C: SIGINT to the whole foreground group (npm, and Ficus below it).
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited, second.output()).toBe(0);
    await expectNothingLeft(env);
    // PostgreSQL is in its own group: it did not get the Ctrl-C itself, and was asked to stop by
    // Ficus only after the gateway's own connection pools were closed.
    const log = second.output();
    const poolsClosed = log.indexOf('"part":"legacy connection pool","msg":"stopped"');
    const postgresAsked = log.indexOf('received fast shutdown request');
    expect(poolsClosed).toBeGreaterThan(0);
    expect(postgresAsked).toBeGreaterThan(poolsClosed);
    console.log(`npm start: first ready in ${firstReadyMs} ms, stopped in ${firstStopMs} ms; second ready in ${secondReadyMs} ms`);
  }, 360_000);

  it('a busy gateway port fails within 5 s with one line naming FICUS_PORT, exit 1, nothing left running', async () => {
    const env = await scratchEnvironment();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.FICUS_PORT), '127.0.0.1', r));
    try {
      const started = Date.now();
      const run = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ficus.js'), 'start'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
      const elapsedMs = Date.now() - started;
      expect(code).toBe(1);
      expect(output.trim()).toBe(`ficus: FICUS_PORT ${env.FICUS_PORT} is in use`);
      // Fast because the port is checked before anything slow starts: no cluster was even created.
      // (The time itself is printed, not asserted tightly: loading the CLI is what a loaded machine slows.)
      expect(existsSync(path.join(env.FICUS_DATA_DIR!, 'pg'))).toBe(false);
      expect(elapsedMs).toBeLessThan(30_000);
      console.log(`busy FICUS_PORT refused in ${elapsedMs} ms`);
      await expectNothingLeft(env);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 60_000);

  it('a busy PostgreSQL port fails with one line naming FICUS_PG_PORT, exit 1, nothing left running', async () => {
    const env = await scratchEnvironment();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.FICUS_PG_PORT), '127.0.0.1', r));
    try {
      const run = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ficus.js'), 'start'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let errors = '';
      run.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
      expect(code).toBe(1);
      expect(errors.trim()).toBe(`ficus: FICUS_PG_PORT ${env.FICUS_PG_PORT} is in use (embedded PostgreSQL could not listen on it)`);
      await expectNothingLeft(env);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 120_000);
});
