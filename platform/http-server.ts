import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningHttpServer {
  readonly port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes what is left. */
  close(graceMs: number): Promise<void>;
}

/** The port could not be listened on; `setting` names the setting that chose it, so the operator knows what to change. */
export class PortInUseError extends Error {
  constructor(readonly setting: string, readonly port: number, readonly host: string, reason: string) {
    super(`${setting} ${port} is ${reason === 'EADDRINUSE' ? 'in use' : `not usable on ${host} (${reason})`}`);
    this.name = 'PortInUseError';
  }
}

export async function listen(app: Express, port: number, host: string, setting = 'port'): Promise<RunningHttpServer> {
  const server: Server = createServer(app);
  // Odoo clients keep connections alive between calls. Longer than clients' own idle timeouts
  // (4 s in undici), so the server is not the side that closes a connection a client is reusing;
  // shutdown closes idle connections itself.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(new PortInUseError(setting, port, host, error.code ?? error.message));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * Fails fast when a port is already taken, before anything slow (a restore, the services) starts:
 * binds it for a moment and lets it go.
 */
export async function assertPortFree(port: number, host: string, setting: string): Promise<void> {
  if (port === 0) return;
  const probe = createTcpServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(new PortInUseError(setting, port, host, error.code ?? error.message)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
