import pg from 'pg';
import { startCredentialChangeFeed } from '../../odoo-bridge/auth/credential-changes.ts';
import { LoginThrottle } from '../../odoo-bridge/auth/login-throttle.ts';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import { createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import type { GatewayWorker, WorkerLink } from '../../runtime/gateway-worker-protocol.ts';
import { shareLoginCooldownFromWorker } from '../../runtime/shared-login-cooldown.ts';

export interface GatewayBenchOptions {
  databaseUrl: string;
  /** The name clients use for the database (the `db` argument). */
  databaseName: string;
  /** Where web sessions live (never in the served database). */
  controlUrl: string;
  port: number;
  /** Gateway processes sharing the port (runtime/gateway-processes.ts), as FICUS_GATEWAY_PROCESSES. */
  processes?: number;
  /** A stand-in Odoo to forward every call to (proxy mode). */
  upstreamUrl?: string;
  /** Read credentials on every call instead of remembering accepted ones (the gateway before issue 19). */
  credentialsPerCall?: boolean;
}

/**
 * One gateway process as `ficus start` composes its Odoo side (ORM engine, credential store with
 * the credential-change feed, login throttle, admission, call observer, express app with the ops
 * routes), serving one database of the bench cluster under its own name. Used as is by a
 * one-process bench gateway and as the worker module of a several-process one.
 */
export async function startGatewayWorker(options: GatewayBenchOptions, link?: WorkerLink): Promise<GatewayWorker> {
  const logger = createLogger({ level: 'warn', format: 'json' });
  const metrics = createMetricsRegistry();
  // Idle connections are kept: a backend that exits mid-benchmark would take its CPU time along.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 20, idleTimeoutMillis: 0 });
  const control = new pg.Pool({ connectionString: options.controlUrl, max: 4 });
  for (const each of [pool, control]) each.on('error', () => undefined); // the benchmark's cluster stops under them at the end
  const feed = options.credentialsPerCall ? undefined : await startCredentialChangeFeed(pool, { logger });
  const logins = new LoginThrottle({ logger });
  if (link) shareLoginCooldownFromWorker(logins, link);
  const sessions = await createPostgresSessionStore(control);
  const routers = await createOdooGateway({
    databases: [{ name: options.databaseName, pool }],
    handlerFor: (database) => createFullOrmEngine({ database }).call,
    sessions,
    throttle: logins,
    ...(feed ? { credentialChanges: () => feed.changes } : {}),
    ...(options.upstreamUrl ? { upstream: { url: options.upstreamUrl, timeoutMs: 30_000 } } : {}),
    maxInactivitySeconds: 3600,
    logger,
    metrics,
  });
  return {
    app: createGatewayApp({ logger, metrics, readiness: [], routers }),
    async close() {
      await feed?.close();
      await sessions.close();
      await pool.end();
      await control.end();
    },
  };
}
