// TypeScript handle on cdc.sh: start a private Kafka broker + Kafka Connect (with the Debezium
// Postgres plugin) and stop it again. All process management lives in cdc.sh so that the CLI,
// CI and tests share one code path; this file only passes env and reads the port files back.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export {
  connectorStatus,
  deleteConnector,
  postgresConnectorConfig,
  registerPostgresConnector,
  type ConnectorStatus,
  type PostgresConnectorOptions,
  type SnapshotMode,
} from './connector.ts';

export const CDC_SH = join(dirname(fileURLToPath(import.meta.url)), 'cdc.sh');

export interface KafkaStackOptions {
  /** State dir (configs, pids, ports, logs, broker data). Default: a fresh temp dir, removed on stop. */
  stateDir?: string;
  /** Fixed ports; default free loopback ports chosen by cdc.sh. */
  kafkaPort?: number;
  connectPort?: number;
  /** Jar cache root (FICUS_CACHE); default ~/.cache/ficus. */
  cacheDir?: string;
  /** Keep the state dir after stop() (to read logs). Always kept when stateDir was given. */
  keepState?: boolean;
  /** Called with cdc.sh's stderr (progress and timing lines). */
  log?: (line: string) => void;
}

export interface KafkaStack {
  /** bootstrap servers, e.g. "127.0.0.1:41234" */
  brokers: string;
  /** Kafka Connect REST base URL, e.g. "http://127.0.0.1:38123" */
  connectUrl: string;
  stateDir: string;
  /** Stops Connect, then the broker (TERM, KILL after 30 s each); safe to call twice. */
  stop(): Promise<void>;
}

function runCdc(args: string[], env: NodeJS.ProcessEnv, log?: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [CDC_SH, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (log) for (const l of `${stderr}${stdout}`.split('\n')) if (l.trim()) log(l);
      if (err) reject(new Error(`cdc.sh ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

/** Downloads the jars into the cache if missing (no-op when cached). */
export async function fetchKafkaJars(opts: Pick<KafkaStackOptions, 'cacheDir' | 'log'> = {}): Promise<void> {
  await runCdc(['fetch'], { ...process.env, ...(opts.cacheDir ? { FICUS_CACHE: opts.cacheDir } : {}) }, opts.log);
}

export async function startKafkaStack(opts: KafkaStackOptions = {}): Promise<KafkaStack> {
  const ownDir = !opts.stateDir;
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'ficus-cdc-')));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FICUS_CDC_STATE: stateDir,
    ...(opts.cacheDir ? { FICUS_CACHE: opts.cacheDir } : {}),
    ...(opts.kafkaPort ? { KAFKA_PORT: String(opts.kafkaPort) } : {}),
    ...(opts.connectPort ? { CONNECT_PORT: String(opts.connectPort) } : {}),
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await runCdc(['stop'], env, opts.log);
    if (ownDir && !opts.keepState) await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await runCdc(['start'], env, opts.log);
    const port = async (name: string) => (await readFile(join(stateDir, `${name}.port`), 'utf8')).trim();
    return {
      brokers: `127.0.0.1:${await port('kafka')}`,
      connectUrl: `http://127.0.0.1:${await port('connect')}`,
      stateDir,
      stop,
    };
  } catch (e) {
    // A half-started stack (broker up, Connect failed) must not leak JVMs; keep logs for diagnosis.
    await runCdc(['stop'], env).catch(() => undefined);
    stopped = true;
    throw new Error(`${(e as Error).message}\n(logs kept in ${stateDir}/logs)`);
  }
}
