import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';
import { freePort } from '../../bench/support/free-port.ts';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres.ts';
import { restoreInto } from '../../runtime/legacy-database.ts';

const run = promisify(execFile);

/** Settings of every throwaway test cluster: nothing it writes needs to survive a crash. */
export const THROWAWAY_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } as const;

/** How long a test waits for another test process building the seed (a hang guard). */
const BUILD_WAIT_MS = 300_000;

/**
 * Copies a stopped cluster holding the legacy database (restored from `dump` as `legacy`) and an
 * empty `control` into `dataDir` (as `pg`, where startEmbeddedPostgres finds an initialised
 * cluster and only starts it). The first caller of the run builds that cluster at `seedDir`
 * (initdb, restore, clean stop); every later one copies it, where an initdb and a restore of the
 * dump would cost seconds of CPU each time (about 7 s per cluster at load 13). The test workers
 * are separate processes: the builder holds a lock folder and renames the finished cluster into
 * place, so a waiter never copies half of one.
 */
export async function copyPrivateClusterSeed(seedDir: string, dump: string, dataDir: string, logger: Logger): Promise<void> {
  await ensureSeed(seedDir, dump, logger);
  // `cp -a` keeps owners and modes: as root the files belong to `postgres`, which runs the
  // server and refuses a data folder it does not own.
  await run('cp', ['-a', path.join(seedDir, 'pg'), path.join(dataDir, 'pg')]);
}

async function ensureSeed(seedDir: string, dump: string, logger: Logger): Promise<void> {
  if (existsSync(seedDir)) return;
  const lock = `${seedDir}.lock`;
  const building = await mkdir(lock).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    },
  );
  if (!building) {
    const started = Date.now();
    while (!existsSync(seedDir)) {
      if (Date.now() - started > BUILD_WAIT_MS) throw new Error(`the private cluster seed ${seedDir} was not built within ${BUILD_WAIT_MS / 1000} s (${lock} held)`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return;
  }
  const partial = `${seedDir}.building`;
  try {
    await rm(partial, { recursive: true, force: true });
    await buildSeed(partial, dump, logger);
    await rename(partial, seedDir);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function buildSeed(dir: string, dump: string, logger: Logger): Promise<void> {
  // The least WAL kept at the stop: every copy writes what the seed holds.
  const cluster = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), logger, extraSettings: { ...THROWAWAY_SETTINGS, min_wal_size: '32MB' } });
  try {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE legacy');
      await admin.query('CREATE DATABASE control');
    } finally {
      await admin.end();
    }
    await restoreInto(cluster.url('postgres'), 'legacy', dump);
  } finally {
    // A clean stop: the copies start without crash recovery.
    await cluster.stop();
  }
}
