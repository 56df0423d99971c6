import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import type { Logger } from 'pino';
import { backoffDelay } from '../platform/backoff.ts';
import type { RunningHttpServer } from '../platform/http-server.ts';
import { isGatewayMessage, type GatewayMessage, type GatewayWorkerSpec } from './gateway-worker-protocol.ts';

export interface GatewayProcessesOptions {
  /** How many processes answer on the port (at least 1; each is a node:cluster worker). */
  processes: number;
  port: number;
  host: string;
  /** The setting that chose the port, for the error when it is taken. */
  portSetting?: string;
  /** What each process runs (a module exporting `startGatewayWorker`) and its settings. */
  worker: Omit<GatewayWorkerSpec, 'port' | 'host' | 'portSetting'>;
  logger: Logger;
  /** A message from a worker that is not the processes' own (login cooldown, metrics). */
  onMessage?: (message: GatewayMessage, from: Worker) => void;
}

export interface GatewayProcesses extends RunningHttpServer {
  /**
   * Settles when every process listens (rejects if one could not start). The first serves as
   * soon as it listens, before the others: what spans processes (broadcast, workers) works from
   * that moment, so callers wire it up before waiting for this.
   */
  readonly ready: Promise<void>;
  /** Process ids of the workers now running. */
  pids(): number[];
  /** Sends to every running worker but `except`. */
  broadcast(message: GatewayMessage, except?: Worker): void;
  /** Workers now running, to ask each something. */
  workers(): Worker[];
}

const WORKER_ENTRY = path.join(import.meta.dirname, 'gateway-worker-entry.ts');
const RESTART_BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * Several gateway processes answering on one port (node:cluster): the kernel's listening socket
 * belongs to this process, which hands each new connection to the next worker in turn
 * (round-robin), so both cores serve calls while this process keeps what exists once (embedded
 * PostgreSQL, module syncs, services). Keep-alive connections stay with the worker that took
 * them; only new connections are handed out.
 *
 * Workers run `worker.module`'s `startGatewayWorker` (gateway-worker-entry.ts) and ignore
 * SIGINT/SIGTERM: this process stops them, letting requests in flight finish (close), and a
 * worker whose parent is gone exits. A worker that dies is replaced (after a backoff), and the
 * failure is logged; one that dies before it was ever ready fails the start.
 */
export function startGatewayProcesses(options: GatewayProcessesOptions): GatewayProcesses {
  if (!cluster.isPrimary) throw new Error('gateway processes are started by the primary process');
  const spec: GatewayWorkerSpec = { ...options.worker, port: options.port, host: options.host, portSetting: options.portSetting ?? 'port' };
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: workerExecArgv(), silent: false });
  const running = new Set<Worker>();
  let closing = false;
  let boundPort = options.port;
  let restarts = 0;

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ FICUS_GATEWAY_WORKER: JSON.stringify(spec) });
      let ready = false;
      worker.on('message', (message: unknown) => {
        if (!isGatewayMessage(message)) return;
        if (message.ficus === 'ready') {
          ready = true;
          boundPort = message.port;
          running.add(worker);
          resolve(worker);
        } else if (message.ficus === 'failed') {
          reject(new Error(message.reason));
        } else options.onMessage?.(message, worker);
      });
      worker.on('exit', (code, signal) => {
        running.delete(worker);
        if (!ready) {
          reject(new Error(`a gateway process exited before it was ready (${signal ?? `code ${code}`})`));
          return;
        }
        if (closing) return;
        const delay = backoffDelay(restarts++, RESTART_BACKOFF);
        options.logger.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'a gateway process died; starting another');
        setTimeout(() => {
          if (!closing) fork().catch((error: unknown) => options.logger.error({ err: error }, 'could not start a gateway process'));
        }, delay).unref();
      });
    });

  const ready = (async () => {
    try {
      // The first one binds the port (port 0 picks one); the others share it.
      await fork();
      spec.port = boundPort;
      await Promise.all(Array.from({ length: options.processes - 1 }, fork));
    } catch (error) {
      closing = true;
      for (const worker of running) worker.process.kill('SIGKILL');
      throw error;
    }
  })();

  return {
    ready,
    get port() {
      return boundPort;
    },
    pids: () => [...running].map((worker) => worker.process.pid!),
    workers: () => [...running],
    broadcast(message, except) {
      for (const worker of running) if (worker !== except && worker.isConnected()) worker.send(message);
    },
    async close(graceMs) {
      closing = true;
      await Promise.all(
        [...running].map(
          (worker) =>
            new Promise<void>((resolve) => {
              const killer = setTimeout(() => worker.process.kill('SIGKILL'), graceMs + 5000);
              worker.once('exit', () => {
                clearTimeout(killer);
                resolve();
              });
              if (worker.isConnected()) worker.send({ ficus: 'stop', graceMs } satisfies GatewayMessage);
              else worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * Node flags for a worker: this process's own, and tsx's loader when this process registered it
 * in code (bin/ficus.js), since a worker starts a fresh node that must load TypeScript too.
 */
function workerExecArgv(): string[] {
  const own = process.execArgv;
  if (own.some((flag) => flag.includes('tsx'))) return own;
  return [...own, '--import', import.meta.resolve('tsx')];
}
