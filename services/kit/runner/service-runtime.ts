import type { Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LoginGuard } from '../auth/login-guard.ts';
import type { SessionCheck, SessionState } from '../auth/session-check.ts';
import type { TokenSigner } from '../auth/token-signer.ts';
import type { KeyLookup, Principal } from '../auth/tokens.ts';
import { LoginThrottle } from '../../../odoo-bridge/orm/index.ts';
import { ServiceBus } from '../bus/service-bus.ts';
import type { BusTransport } from '../bus/types.ts';
import type { Cache } from '../cache/cache.ts';
import { openServiceDatabase, serviceDatabaseName, type ServiceDatabase } from '../db/database.ts';
import { startAccessChangeFeed, type AccessChangeFeed } from '../access/access-change-feed.ts';
import type { OdooCalls, ServiceDefinition } from '../define-service.ts';
import { purgeExpiredIdempotencyKeys } from '../http/idempotency.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { serviceRouter } from '../http/service-router.ts';
import { kitMetrics } from '../observability/kit-metrics.ts';
import { SagaRunner } from '../saga/saga-runner.ts';
import { schemaRegistry } from '../schema-registry.ts';

export interface ServiceRuntimeDeps {
  databaseUrl: string;
  transport: BusTransport;
  cache: Cache;
  keys: KeyLookup;
  logger: Logger;
  metrics: Registry;
  /** The monolith's database, for legacy adapters of REST routes (side effects across the cut). */
  legacyPool?: pg.Pool;
  /** The token authority's session check (read per request; see ServiceRouterDeps.sessions). */
  sessions?: () => SessionCheck | undefined;
  /** Signs access tokens, where this runtime holds the private keys. */
  signer?: TokenSigner;
  /** The login cooldown shared with the gateway; the service's own one (Odoo's default settings) otherwise. */
  logins?: LoginGuard;
  /** The gateway's dispatch of model calls, when it runs beside the service (PlatformPorts.odoo). */
  odoo?: OdooCalls;
}

/** One service, started: its database (migrated), bus, cache and REST router. */
export interface ServiceRuntime<DB = unknown> {
  readonly name: string;
  readonly database: ServiceDatabase<DB>;
  readonly bus: ServiceBus<DB>;
  readonly router: Router;
  /** Announces changes of the database's access tables to the router's access checks; none for a service with no legacy modules. */
  readonly accessChanges?: AccessChangeFeed;
  readonly openapi: Record<string, unknown>;
  /** Set for the token authority: whether a token's login session is alive (uncached). */
  readonly sessionAuthority?: (principal: Principal) => Promise<SessionState>;
  /** Embedded mode: every service publishes before any consumes, so consumers see all sources. */
  startPublishing(): Promise<void>;
  startConsuming(): Promise<void>;
  stop(): Promise<void>;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

export async function startServiceRuntime<DB>(service: ServiceDefinition<DB>, deps: ServiceRuntimeDeps): Promise<ServiceRuntime<DB>> {
  const logger = deps.logger.child({ service: service.name });
  const metrics = kitMetrics(deps.metrics);
  const database = await openServiceDatabase<DB>({ url: deps.databaseUrl, service: service.name, logger, migrations: service.migrations });
  const bus = new ServiceBus<DB>({
    service: service.name, database: database as ServiceDatabase<unknown>, publishes: service.publishes, transport: deps.transport, logger, metrics,
    cache: deps.cache, ...(deps.legacyPool ? { legacyPool: deps.legacyPool } : {}),
  });
  for (const subscription of service.subscriptions) bus.subscribe(subscription.type, subscription.group ?? service.name, subscription.handler);
  const schemas = schemaRegistry();
  // The runner keeps one connection of the pool for its advisory locks (released if the process dies).
  const sagas = service.sagas
    ? new SagaRunner({ service: service.name, db: database.db, pool: database.pool, sagas: service.sagas({ pool: database.pool, legacyPool: deps.legacyPool ?? null, odoo: deps.odoo ?? null }), logger, metrics })
    : undefined;
  // The REST access checks' tables are reloaded on change, not every second (access/access-change-feed.ts).
  const accessChanges = service.modules.length && service.restAuthorization !== 'self'
    ? await startAccessChangeFeed(database.pool, { logger })
    : undefined;
  const router = serviceRouter({
    service, db: database.db, ...(accessChanges ? { accessChanges } : {}), bus, cache: deps.cache, logger, metrics, keys: deps.keys, schemas, database: { name: serviceDatabaseName(service.name), pool: database.pool },
    ...(deps.legacyPool ? { legacyPool: deps.legacyPool } : {}), ...(sagas ? { sagas } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    platform: { signer: deps.signer ?? null, logins: deps.logins ?? new LoginThrottle({ logger }), odoo: deps.odoo ?? null },
  });
  // Sagas a crash or stop left unfinished (a request's after-commit steps included) continue now, beside the traffic.
  const resuming = sagas?.resumeAll().then(
    (n) => void (n && logger.info({ sagas: n }, 'resumed unfinished sagas')),
    (error: unknown) => logger.error({ err: error }, 'could not resume unfinished sagas; they resume on the next start'),
  );
  const background = service.background?.({ db: database.db, pool: database.pool, legacyPool: deps.legacyPool ?? null, logger, metrics: deps.metrics });
  const purge = setInterval(() => {
    purgeExpiredIdempotencyKeys(database.db).catch((error: unknown) => logger.warn({ err: error }, 'could not purge idempotency keys'));
  }, PURGE_EVERY_MS);
  purge.unref();
  return {
    name: service.name,
    database,
    bus,
    router,
    ...(accessChanges ? { accessChanges } : {}),
    openapi: buildOpenApi(service, schemas),
    ...(service.sessionAuthority ? { sessionAuthority: service.sessionAuthority({ pool: database.pool, legacyPool: deps.legacyPool ?? null }) } : {}),
    startPublishing: () => bus.startPublishing(),
    startConsuming: () => bus.startConsuming(),
    async stop() {
      clearInterval(purge);
      await background?.stop();
      await sagas?.stop();
      await resuming;
      await bus.stop();
      await accessChanges?.close();
      await database.close();
    },
  };
}
