import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCredentialStore } from './auth/credential-store.ts';
import { readLoginCooldownSettings } from './auth/login-cooldown-settings.ts';
import { LoginThrottle, type LoginCooldownSettings } from './auth/login-throttle.ts';
import type { CallHandler, ServedDatabase } from './call.ts';
import { createCallObserver } from './observability/call-observer.ts';
import { odooProtocolRouters } from './odoo-protocols.ts';
import { createUpstreamOdoo } from './proxy/upstream-odoo.ts';
import { staticRouter, type CallRouter } from './routing/call-router.ts';
import { DatabaseDirectory } from './served-databases.ts';
import type { SessionStore } from './sessions/session-store.ts';

export interface OdooGatewayOptions {
  /** Databases served, under the names clients use. */
  databases: ServedDatabase[];
  /** What answers model calls Ficus serves itself, per database (the ORM engine). */
  handlerFor: (database: ServedDatabase) => CallHandler;
  sessions: SessionStore;
  upstream?: { url: string; timeoutMs: number };
  /** Replaces the static router (the migration control plane's phase-aware one). */
  router?: CallRouter;
  maxInactivitySeconds: number;
  /** Overrides the cooldown settings read from the database (`ir_config_parameter`). */
  loginCooldown?: LoginCooldownSettings;
  logger: Logger;
  metrics: Registry;
}

/**
 * The Odoo side of the gateway: every served database with its credential store and call
 * handler, the login throttle (Odoo's cooldown settings read from the first database), the
 * routing function, and the protocol routers built on them.
 */
export async function createOdooGateway(options: OdooGatewayOptions): Promise<Router[]> {
  const observe = createCallObserver(options.logger, options.metrics);
  const directory = new DatabaseDirectory(
    options.databases.map((database) => ({
      name: database.name,
      pool: database.pool,
      credentials: createCredentialStore(database.pool),
      call: observe(options.handlerFor(database)),
    })),
  );
  const first = options.databases[0];
  const cooldown = options.loginCooldown ?? (first ? await readLoginCooldownSettings(first.pool) : undefined);
  const throttle = new LoginThrottle({ ...cooldown, logger: options.logger });
  const upstream = options.upstream ? createUpstreamOdoo(options.upstream.url, options.upstream.timeoutMs) : undefined;
  return odooProtocolRouters({
    databases: directory,
    router: options.router ?? staticRouter(upstream),
    sessions: options.sessions,
    throttle,
    logger: options.logger,
    maxInactivitySeconds: options.maxInactivitySeconds,
  });
}

