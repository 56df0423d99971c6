import type { Router } from 'express';
import pg from 'pg';
import type { Logger } from 'pino';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import type { OdooCalls } from '../../services/kit/index.ts';
import { listen } from '../../platform/http-server.ts';
import { createLoginThrottle, createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import { startCredentialChangeFeed } from '../../odoo-bridge/auth/credential-changes.ts';
import type { LoginThrottle } from '../../odoo-bridge/auth/login-throttle.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { MigrationController } from '../../migration/control/controller.ts';
import { embeddedEndpoints, type ControlEndpoints } from '../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../migration/control/migration-runtime.ts';

export interface DrillStack {
  endpoints: ControlEndpoints;
  gatewayUrl: string;
  runtime: MigrationRuntime;
  controller: MigrationController;
  legacyPool: pg.Pool;
  servicePool: pg.Pool;
  metrics: ReturnType<typeof createMetricsRegistry>;
  stop(): Promise<void>;
}

/** REST routers a drill mounts on the gateway beside the Odoo routes, as `ficus start` mounts the services'. */
export interface DrillMount {
  routers: Router[];
  stop(): Promise<void>;
}

/** What a mount shares with the gateway: the monolith's pool and, as in `ficus start`, one login cooldown for every door. */
export interface DrillMountParts {
  legacyPool: pg.Pool;
  logins: LoginThrottle;
  logger: Logger;
  metrics: ReturnType<typeof createMetricsRegistry>;
  /** The gateway's dispatch of model calls, as `ficus start` gives the services (PlatformPorts.odoo): a REST use case reaching another module's business method takes a client's path. */
  odoo: OdooCalls;
}

/**
 * What `ficus start` runs, wired the way the embedded runner should wire it: the migration
 * runtime (phase book, freeze gate, syncs, shadow) feeding createOdooGateway its router and
 * call handler, on real databases and a real HTTP port. Used by the cutover drill (bench and
 * tests).
 */
export async function startDrillStack(o: { legacyUrl: string; controlUrl: string; serviceUrl: string; logger: Logger; database?: string; service?: string; mount?: (parts: DrillMountParts) => Promise<DrillMount> }): Promise<DrillStack> {
  const database = o.database ?? 'hp_legacy';
  const endpoints = embeddedEndpoints({ controlUrl: o.controlUrl, legacyUrl: o.legacyUrl, serviceUrls: { [o.service ?? 'dynamic']: o.serviceUrl } });
  const metrics = createMetricsRegistry();
  const legacyPool = new pg.Pool({ connectionString: o.legacyUrl, max: 30, application_name: 'ficus-gateway' });
  const controlPool = new pg.Pool({ connectionString: o.controlUrl, max: 4 });
  const servicePool = new pg.Pool({ connectionString: o.serviceUrl, max: 4 });
  for (const p of [legacyPool, controlPool, servicePool]) p.on('error', () => undefined);
  const runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: database, legacyPool, logger: o.logger, metrics, refreshMs: 1000, heartbeatIntervalMs: 500 });
  const sessions = await createPostgresSessionStore(controlPool, 3600);
  // As `ficus start` does: accepted RPC credentials are reused until the legacy database announces a
  // change of that user. Without it every XML-RPC and odoo-await call read its user row and checked
  // the password again, a per-call cost the product does not have.
  const credentials = await startCredentialChangeFeed(legacyPool, { logger: o.logger });
  // A mounted service shares the gateway's login cooldown (the legacy database's settings), as in `ficus start`.
  const logins = o.mount ? await createLoginThrottle(legacyPool, { logger: o.logger }) : undefined;
  const served = { name: database, pool: legacyPool };
  const odoo: OdooCalls = (call) => runtime.handlerFor(served)({ database, kwargs: {}, ...call });
  const mounted = o.mount ? await o.mount({ legacyPool, logins: logins!, logger: o.logger, metrics, odoo }) : undefined;
  const routers = await createOdooGateway({
    databases: [served],
    handlerFor: runtime.handlerFor,
    router: runtime.router,
    sessions,
    credentialChanges: () => credentials.changes,
    maxInactivitySeconds: 3600,
    ...(logins ? { throttle: logins } : { loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } }),
    logger: o.logger,
    metrics,
  });
  const server = await listen(createGatewayApp({ logger: o.logger, metrics, readiness: [], routers: [...routers, ...(mounted?.routers ?? [])] }), 0, '127.0.0.1');
  const controller = await MigrationController.open(endpoints);
  return {
    endpoints,
    gatewayUrl: `http://127.0.0.1:${server.port}`,
    runtime,
    controller,
    legacyPool,
    servicePool,
    metrics,
    async stop() {
      await server.close(1000);
      await mounted?.stop();
      await controller.close();
      await runtime.stop();
      await sessions.close();
      await credentials.close();
      for (const p of [legacyPool, controlPool, servicePool]) await p.end();
    },
  };
}
