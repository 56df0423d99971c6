/**
 * One of `ficus start`'s gateway processes (FICUS_GATEWAY_PROCESSES > 1): the Odoo side of the
 * gateway as the main process composes it (engine, migration routing with its own phase book and
 * freeze gate, sessions, credential checks), while what exists once stays in the main process
 * (embedded PostgreSQL, module syncs, services, daily reconciliation): requests for it (service
 * REST, JWKS) are passed to the main process's loopback port, streamed both ways.
 *
 * What must agree across processes, and how it does:
 * - web sessions: in PostgreSQL or Redis already;
 * - module phases and freezes: each process is a gateway of its own for the migration control
 *   plane (its own gateway id, heartbeat and freeze acknowledgement; the controller waits for
 *   every live gateway), exactly as separate gateway hosts are;
 * - the login cooldown: one, shared through the main process (shared-login-cooldown.ts);
 * - credential changes: each process listens itself (credential-changes.ts);
 * - `/metrics`: any process answers for all of them (cluster-metrics.ts).
 * Per process: the admission limit (FICUS_GATEWAY_MAX_CALLS applies to each) and connection pools.
 */
import { readOffloadFromSettings } from '../migration/offload/read-offload.ts';
import { Router } from 'express';
import pg from 'pg';
import { startCredentialChangeFeed } from '../odoo-bridge/auth/credential-changes.ts';
import { LoginThrottle } from '../odoo-bridge/auth/login-throttle.ts';
import { readLoginCooldownSettings } from '../odoo-bridge/auth/login-cooldown-settings.ts';
import { createGatewayApp } from '../odoo-bridge/gateway.ts';
import { createOdooGateway } from '../odoo-bridge/odoo-gateway.ts';
import { createUpstreamOdoo, UpstreamUnavailable } from '../odoo-bridge/proxy/upstream-odoo.ts';
import { createPostgresSessionStore } from '../odoo-bridge/sessions/postgres-session-store.ts';
import { createRedisSessionStore } from '../odoo-bridge/sessions/redis-session-store.ts';
import { embeddedEndpoints } from '../migration/control/endpoints.ts';
import { startMigrationRuntime } from '../migration/control/migration-runtime.ts';
import { startDistributedParts } from './distributed-parts.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';
import { startTracingFromEnv, stopTracing } from '../platform/tracing.ts';
import { clusterMetricsOfWorker } from './cluster-metrics.ts';
import type { GatewayWorker, WorkerLink } from './gateway-worker-protocol.ts';
import { shareLoginCooldownFromWorker } from './shared-login-cooldown.ts';
import type { FicusConfig } from './settings.ts';

export interface FicusGatewayWorkerSettings {
  config: FicusConfig;
  legacyDatabaseUrl: string;
  controlDatabaseUrl: string;
  filestore: string | null;
  /** The main process's own gateway, on loopback: what is not Odoo's goes there. */
  mainUrl: string;
}

export async function startGatewayWorker(settings: FicusGatewayWorkerSettings, link: WorkerLink): Promise<GatewayWorker> {
  const { config } = settings;
  const logger = createLogger({ level: config.logLevel, format: config.logFormat as 'auto' | 'json' | 'pretty' }).child({ gatewayProcess: process.pid });
  const own = createMetricsRegistry();
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'could not stop cleanly'));
  };
  try {
    if (await startTracingFromEnv('ficus-gateway')) stops.push(() => stopTracing());
    const legacyPool = new pg.Pool({ connectionString: settings.legacyDatabaseUrl, max: 20, application_name: 'ficus-gateway' });
    legacyPool.on('error', (error) => logger.warn({ err: error }, 'an idle legacy database connection failed'));
    stops.push(() => legacyPool.end());
    const controlPool = new pg.Pool({ connectionString: settings.controlDatabaseUrl, max: 4, application_name: 'ficus-control' });
    controlPool.on('error', (error) => logger.warn({ err: error }, 'an idle control database connection failed'));
    stops.push(() => controlPool.end());

    const sessions = config.redisUrl
      ? createRedisSessionStore(config.redisUrl, config.sessionMaxInactivitySeconds)
      : await createPostgresSessionStore(controlPool, config.sessionMaxInactivitySeconds);
    stops.push(() => sessions.close());

    const upstream = config.legacyOdooUrl ? createUpstreamOdoo(config.legacyOdooUrl, config.upstreamTimeoutMs) : undefined;
    // Distributed mode: this process routes the Odoo calls of services running apart to them too.
    const distributed = await startDistributedParts({ logger, metrics: own, bus: false });
    if (distributed) stops.push(async () => distributed.stop());
    const migration = await startMigrationRuntime({
      endpoints: embeddedEndpoints({ controlUrl: settings.controlDatabaseUrl, legacyUrl: settings.legacyDatabaseUrl, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) }),
      odooDatabaseName: config.odooDatabaseName,
      legacyPool,
      filestore: settings.filestore,
      logger,
      metrics: own,
      runSync: false,
      ...(upstream ? { upstream } : {}),
      ...(distributed ? { remoteService: distributed.remote.odooCallsOf } : {}),
      freezeGraceMs: config.freezeGraceMs,
    });
    stops.push(() => migration.stop());

    const credentials = await startCredentialChangeFeed(legacyPool, { logger });
    stops.push(() => credentials.close());

    const logins = new LoginThrottle({ ...(await readLoginCooldownSettings(legacyPool)), logger });
    shareLoginCooldownFromWorker(logins, link);

    // Each gateway process runs its own read offload; verdicts are shared through the control database.
    const offload = upstream
      ? await readOffloadFromSettings({ settings: config, controlUrl: settings.controlDatabaseUrl, served: [{ name: config.odooDatabaseName, pool: legacyPool }], handlerFor: migration.handlerFor, logger, metrics: own })
      : undefined;
    if (offload) stops.push(() => offload.stop());
    const odooRouters = await createOdooGateway({
      throttle: logins,
      admission: { maxConcurrent: config.gatewayMaxConcurrentCalls, maxQueued: config.gatewayMaxQueuedCalls },
      databases: [{ name: config.odooDatabaseName, pool: legacyPool }],
      handlerFor: migration.handlerFor,
      router: offload ? offload.wrap(migration.router) : migration.router,
      credentialChanges: () => credentials.changes,
      sessions,
      maxInactivitySeconds: config.sessionMaxInactivitySeconds,
      logger,
      metrics: own,
    });
    const main = createUpstreamOdoo(settings.mainUrl, config.upstreamTimeoutMs);
    const app = createGatewayApp({
      logger,
      metrics: clusterMetricsOfWorker(own, link),
      readiness: [
        { name: 'legacy database', check: async () => void (await legacyPool.query('SELECT 1')) },
        { name: 'control database', check: async () => void (await controlPool.query('SELECT 1')) },
        { name: 'main process', check: () => checkMain(settings.mainUrl) },
      ],
      routers: [...odooRouters, toMainProcess(main)],
    });
    return { app, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Everything the Odoo routers do not answer goes to the main process, which answers it (or says 404). */
function toMainProcess(main: ReturnType<typeof createUpstreamOdoo>): Router {
  const router = Router();
  router.use((req, res, next) => {
    main.forward(req, res).catch((error: unknown) => {
      if (!(error instanceof UpstreamUnavailable)) return next(error);
      if (res.headersSent) return res.destroy();
      res.status(502).type('text/plain; charset=utf-8').send('The Ficus main process did not answer.');
    });
  });
  return router;
}

async function checkMain(mainUrl: string): Promise<void> {
  const answer = await fetch(new URL('/healthz', mainUrl), { signal: AbortSignal.timeout(1500) });
  await answer.body?.cancel();
  if (!answer.ok) throw new Error(`the main process answered ${answer.status}`);
}
