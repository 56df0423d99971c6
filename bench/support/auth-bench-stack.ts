import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { BenchCluster } from './bench-cluster.ts';

/** The server process's event-loop delay over a phase (perf_hooks.monitorEventLoopDelay). */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface AuthBenchStack {
  /** Gateway + auth service, in their own process. */
  url: string;
  serverPid: number;
  /** The bench cluster's postmaster: its process tree is this benchmark's PostgreSQL. */
  postmasterPid: number;
  eventLoop: { reset(): Promise<void>; read(): Promise<LoopDelay> };
  /** Stops the server process and drops the benchmark's databases. */
  stop(): Promise<void>;
}

// Names of this benchmark's own databases in the shared bench cluster (dropped before and after).
const LEGACY = 'bauth_legacy';
const AUTH = 'bauth_svc_auth';
const CONTROL = 'bauth_control';

async function withAdmin<T>(bench: BenchCluster, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function dropDatabases(bench: BenchCluster): Promise<void> {
  await withAdmin(bench, async (admin) => {
    for (const name of [LEGACY, AUTH, CONTROL]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/**
 * A private copy of the legacy database (the hp_legacy demo users and their 600,000-round
 * hashes), an empty auth service database and an empty control database in the bench cluster,
 * and auth-platform-process.ts serving them.
 */
export async function startAuthBenchStack(bench: BenchCluster): Promise<AuthBenchStack> {
  await dropDatabases(bench);
  const dataDirectory = await withAdmin(bench, async (admin) => {
    await admin.query(`CREATE DATABASE ${LEGACY} TEMPLATE legacy`);
    await admin.query(`CREATE DATABASE ${AUTH}`);
    await admin.query(`CREATE DATABASE ${CONTROL}`);
    return (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
  });
  const postmasterPid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'auth-platform-process.ts'), bench.cluster.url(LEGACY), bench.cluster.url(AUTH), bench.cluster.url(CONTROL)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await dropDatabases(bench);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready (\d+)/.exec(output);
        if (ready) resolve(Number(ready[1]));
      });
      child.once('exit', (code) => reject(new Error(`auth-platform-process.ts exited with ${code} before it was ready`)));
    });
    const ask = <T>(question: 'reset' | 'read') =>
      new Promise<T>((resolve) => {
        child.once('message', (answer: { eventLoop: T }) => resolve(answer.eventLoop));
        child.send({ eventLoop: question });
      });
    return {
      url: `http://127.0.0.1:${port}`,
      serverPid: child.pid!,
      postmasterPid,
      eventLoop: { reset: async () => void (await ask('reset')), read: () => ask<LoopDelay>('read') },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
