/**
 * The main module of a gateway worker (gateway-processes.ts forks it): composes the process
 * from the module its spec names, listens on the shared port, and stops when the primary says so.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { PortInUseError } from '../platform/http-server.ts';
import { usePostgresSessionDefaults } from '../platform/postgres-session-defaults.ts';
import { isGatewayMessage, type GatewayMessage, type GatewayWorker, type GatewayWorkerSpec, type WorkerLink } from './gateway-worker-protocol.ts';

usePostgresSessionDefaults();
const spec = JSON.parse(process.env.FICUS_GATEWAY_WORKER ?? 'null') as GatewayWorkerSpec | null;
if (!spec || !process.send) throw new Error('gateway-worker-entry.ts runs as a gateway worker only (see gateway-processes.ts)');
const send = (message: GatewayMessage) => {
  if (process.connected) process.send!(message);
};

// The primary decides when workers stop (Ctrl-C reaches the whole process group); a worker
// whose primary is gone has nobody to serve for.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('disconnect', () => process.exit());

const listeners: ((message: GatewayMessage) => void)[] = [];
const link: WorkerLink = { send, onMessage: (listener) => listeners.push(listener) };
process.on('message', (message: unknown) => {
  if (isGatewayMessage(message)) for (const listener of listeners) listener(message);
});

try {
  const { startGatewayWorker } = (await import(pathToFileURL(spec.module).href)) as {
    startGatewayWorker(settings: unknown, link: WorkerLink): Promise<GatewayWorker>;
  };
  const worker = await startGatewayWorker(spec.settings, link);
  const server = createServer(worker.app);
  server.keepAliveTimeout = 65_000; // as platform/http-server.ts, for clients that keep connections
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new PortInUseError(spec.portSetting, spec.port, spec.host, error.code ?? error.message)));
    server.listen(spec.port, spec.host, resolve);
  });
  link.onMessage((message) => {
    if (message.ficus !== 'stop') return;
    const force = setTimeout(() => server.closeAllConnections(), message.graceMs);
    server.close(() => {
      clearTimeout(force);
      void worker.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  });
  const address = server.address();
  send({ ficus: 'ready', port: typeof address === 'object' && address ? address.port : spec.port });
} catch (error) {
  send({ ficus: 'failed', reason: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect?.(); // exits, with exitCode 1 (see the disconnect handler)
}
