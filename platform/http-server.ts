import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningHttpServer {
  readonly port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes what is left. */
  close(graceMs: number): Promise<void>;
}

export async function listen(app: Express, port: number, host: string): Promise<RunningHttpServer> {
  const server: Server = createServer(app);
  // Odoo clients keep connections alive between calls. Longer than clients' own idle timeouts
  // (4 s in undici), so the server is not the side that closes a connection a client is reusing;
  // shutdown closes idle connections itself.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
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
