import { Router } from 'express';
import pg from 'pg';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { publicJwks } from '../services/kit/auth/keys.ts';
import { startEmbeddedServices } from '../services/kit/runner/embedded.ts';
import { loadBuiltServices } from '../services/catalog.ts';
import { loadOrCreateSigningKeys } from './signing-keys.ts';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createGatewayApp } from '../odoo-bridge/gateway.ts';
import { startTracingFromEnv, stopTracing } from '../platform/tracing.ts';
import { cdcMetrics } from '../cdc/apply/metrics.ts';
import { rowChangeFeedLag } from '../services/kit/cdc/row-change-feed.ts';
import { listen, type RunningHttpServer } from '../platform/http-server.ts';
import { createLoginThrottle, createOdooGateway } from '../odoo-bridge/odoo-gateway.ts';
import { keySetSigner } from '../services/kit/auth/token-signer.ts';
import { createUpstreamOdoo } from '../odoo-bridge/proxy/upstream-odoo.ts';
import { embeddedEndpoints } from '../migration/control/endpoints.ts';
import { startMigrationRuntime } from '../migration/control/migration-runtime.ts';
import { readOffloadFromSettings } from '../migration/offload/read-offload.ts';
import { createPostgresSessionStore } from '../odoo-bridge/sessions/postgres-session-store.ts';
import { createRedisSessionStore } from '../odoo-bridge/sessions/redis-session-store.ts';
import { ensureDatabase } from '../platform/ensure-database.ts';
import { startDailyReconcile } from './daily-reconcile.ts';
import { ensureFilestore } from './filestore.ts';
import path from 'node:path';
import type { FicusConfig } from './settings.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from './embedded-postgres.ts';
import { ensureLegacyDatabase } from './legacy-database.ts';
import { startCredentialChangeFeed } from '../odoo-bridge/auth/credential-changes.ts';
import { listenOnGatewayProcesses } from './multi-process-gateway.ts';
import type { RestoreProgress } from './sql-dump-restore.ts';
import { startDistributedParts } from './distributed-parts.ts';

/** Ficus's own bookkeeping (sessions, migration phases, reconciliation runs) lives here, never in the legacy database. */
export const CONTROL_DATABASE = 'ficus_control';

export interface EmbeddedFicus {
  readonly gatewayPort: number;
  readonly legacyDatabaseUrl: string;
  readonly controlDatabaseUrl: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: FicusConfig;
  logger: Logger;
  metrics: Registry;
  onRestoreProgress?: (progress: RestoreProgress) => void;
}

/**
 * `ficus start`: everything in one process. Embedded PostgreSQL holds the legacy database
 * (restored on the first start unless LEGACY_DATABASE_URL points at an existing Odoo
 * database) and, with later issues, one database per service; the gateway listens on 8069.
 * Parts start in dependency order and stop in reverse.
 */
export async function startEmbeddedFicus({ config, logger, metrics, onRestoreProgress }: StartOptions): Promise<EmbeddedFicus> {
  const stack = new ShutdownStack(logger);
  if (await startTracingFromEnv('ficus-gateway')) stack.push('trace export', () => stopTracing());
  try {
    const cluster: EmbeddedCluster = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.postgresPort, logger });
    stack.push('embedded PostgreSQL', () => cluster.stop());

    const legacyDatabaseUrl = config.legacyDatabaseUrl ?? cluster.url(config.legacyDatabaseName);
    if (!config.legacyDatabaseUrl) {
      await ensureLegacyDatabase({
        adminUrl: cluster.url('postgres'),
        databaseName: config.legacyDatabaseName,
        dumpPath: config.legacyDumpPath,
        logger,
        ...(onRestoreProgress ? { onProgress: onRestoreProgress } : {}),
      });
    }
    const filestore = config.legacyDatabaseUrl
      ? (config.filestoreDir ?? null)
      : await ensureFilestore(config.legacyFilestoreArchive, path.join(config.dataDir, 'filestore', config.odooDatabaseName));
    // The engine's own pools reach a local cluster through its Unix socket (less CPU per call than
    // TCP loopback); the TCP URLs stay for what hands them on (CDC connectors, services, reports).
    const legacyPoolUrl = config.legacyDatabaseUrl ?? cluster.socketUrl(config.legacyDatabaseName);
    const legacyPool = new pg.Pool({ connectionString: legacyPoolUrl, max: 20, application_name: 'ficus-gateway' });
    legacyPool.on('error', (error) => logger.warn({ err: error }, 'an idle legacy database connection failed'));
    stack.push('legacy connection pool', () => legacyPool.end());
    // Accepted RPC credentials are reused until the legacy database announces a change of that user.
    const credentials = await startCredentialChangeFeed(legacyPool, { logger });
    stack.push('credential changes', () => credentials.close());

    await ensureDatabase(cluster.url('postgres'), CONTROL_DATABASE);
    const controlDatabaseUrl = cluster.url(CONTROL_DATABASE);
    const controlPoolUrl = cluster.socketUrl(CONTROL_DATABASE);
    const controlPool = new pg.Pool({ connectionString: controlPoolUrl, max: 10, application_name: 'ficus-control' });
    controlPool.on('error', (error) => logger.warn({ err: error }, 'an idle control database connection failed'));
    stack.push('control connection pool', () => controlPool.end());

    const sessions = config.redisUrl
      ? createRedisSessionStore(config.redisUrl, config.sessionMaxInactivitySeconds)
      : await createPostgresSessionStore(controlPool, config.sessionMaxInactivitySeconds);
    stack.push('session store', () => sessions.close());

    // Phases per module: which side answers each model, shadow comparison, freezes, syncs.
    const upstream = config.legacyOdooUrl ? createUpstreamOdoo(config.legacyOdooUrl, config.upstreamTimeoutMs) : undefined;
    // Distributed mode (FICUS_SERVICE_URLS): services listed there run apart; none listed, nothing changes.
    // The sync and feed lag families exist from the start (empty until a module syncs), so a
    // dashboard or alert reading them finds them rather than nothing (deploy/grafana).
    cdcMetrics(metrics);
    rowChangeFeedLag(metrics);
    const distributed = await startDistributedParts({ logger, metrics });
    if (distributed) stack.push('remote services', async () => distributed.stop());
    const migration = await startMigrationRuntime({
      endpoints: embeddedEndpoints({ controlUrl: controlDatabaseUrl, legacyUrl: legacyDatabaseUrl, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) }),
      odooDatabaseName: config.odooDatabaseName,
      legacyPool,
      filestore,
      logger,
      metrics,
      runSync: true,
      ...(upstream ? { upstream } : {}),
      ...(distributed ? { remoteService: distributed.remote.odooCallsOf } : {}),
      freezeGraceMs: config.freezeGraceMs,
    });
    stack.push('migration runtime', () => migration.stop());
    const daily = await startDailyReconcile({ at: config.reconcileAt, legacyDatabaseUrl, controlPool, phases: migration.book, logger, metrics });
    stack.push('daily reconciliation', async () => daily.stop());

    // One login cooldown for every door that checks a password: Odoo RPC, the web session, REST /auth/login.
    const logins = await createLoginThrottle(legacyPool, { logger });
    // In front of a live Odoo, legacy-phase reads Ficus has proven it answers alike (FICUS_READ_OFFLOAD).
    const offload = upstream
      ? await readOffloadFromSettings({ settings: config, controlUrl: controlDatabaseUrl, served: [{ name: config.odooDatabaseName, pool: legacyPool }], handlerFor: migration.handlerFor, logger, metrics })
      : undefined;
    if (offload) stack.push('read offload', () => offload.stop());
    const servedLegacy = { name: config.odooDatabaseName, pool: legacyPool };
    const odooRouters = await createOdooGateway({
      throttle: logins,
      admission: { maxConcurrent: config.gatewayMaxConcurrentCalls, maxQueued: config.gatewayMaxQueuedCalls },
      databases: [servedLegacy],
      handlerFor: migration.handlerFor,
      router: offload ? offload.wrap(migration.router) : migration.router,
      sessions,
      maxInactivitySeconds: config.sessionMaxInactivitySeconds,
      credentialChanges: () => credentials.changes,
      logger,
      metrics,
    });

    const signingKeys = await loadOrCreateSigningKeys(config.dataDir);
    const services = await startEmbeddedServices({
      services: (await loadBuiltServices()).filter((s) => !distributed?.remote.names.has(s.name)),
      ...(distributed?.transport ? { transport: distributed.transport } : {}),
      databaseUrl: (name) => cluster.url(name),
      logger,
      metrics,
      keys: localKeyLookup(() => signingKeys),
      signer: keySetSigner(() => signingKeys),
      logins,
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      // Side effects across the cut (points for a completed order while M14 is the monolith's, the
      // order-creation saga's user check while M01 is) go to the monolith's database through it.
      legacyPool,
      // A REST use case reaching another module's business method takes the path a client's call takes.
      odoo: (call) => migration.handlerFor(servedLegacy)({ database: config.odooDatabaseName, kwargs: {}, ...call }),
    });
    stack.push('services', () => services.stop());
    const jwks = publicJwks(signingKeys);

    const app = createGatewayApp({
      logger,
      metrics,
      readiness: [
        { name: 'legacy database', check: () => checkLegacyDatabase(legacyPool) },
        { name: 'control database', check: async () => void (await controlPool.query('SELECT 1')) },
        ...(distributed ? [distributed.readiness] : []),
      ],
      // Remote services first: a token authority running apart answers the JWKS path itself.
      routers: [...odooRouters, ...(distributed ? [...distributed.remote.routers, distributed.behaviourCalls(migration.behaviourCall, config.odooDatabaseName)] : []), jwksRouter(jwks), ...services.routers],
    });
    const server: RunningHttpServer =
      config.gatewayProcesses > 1
        ? await listenOnGatewayProcesses({ app, config, logins, metrics, logger, legacyDatabaseUrl: legacyPoolUrl, controlDatabaseUrl: controlPoolUrl, filestore })
        : await listen(app, config.gatewayPort, config.gatewayHost, 'FICUS_PORT');
    stack.push('gateway', () => server.close(config.shutdownTimeoutMs));
    logger.info({ port: server.port, host: config.gatewayHost }, 'Ficus gateway listening');

    return { gatewayPort: server.port, legacyDatabaseUrl, controlDatabaseUrl, stop: () => stack.unwind() };
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

/** The public half of the token keys, for services that run apart (`ficus serve`, FICUS_JWKS_URL). */
function jwksRouter(jwks: unknown): Router {
  const router = Router();
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.json(jwks);
  });
  return router;
}

/** Ready means: the database answers, and it is an Odoo database with its modules installed. */
async function checkLegacyDatabase(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ installed: number }>(
    `SELECT count(*)::int AS installed FROM ir_module_module WHERE state = 'installed'`,
  );
  if (!rows[0] || rows[0].installed === 0) throw new Error('no installed Odoo modules');
}

/** Stops what was started, last first; one failing part does not keep the others running. */
class ShutdownStack {
  private readonly parts: { name: string; stop: () => Promise<void> }[] = [];
  constructor(private readonly logger: Logger) {}

  push(name: string, stop: () => Promise<void>): void {
    this.parts.push({ name, stop });
  }

  async unwind(): Promise<void> {
    while (this.parts.length) {
      const part = this.parts.pop()!;
      try {
        await part.stop();
        this.logger.debug({ part: part.name }, 'stopped');
      } catch (error) {
        this.logger.error({ err: error, part: part.name }, 'could not stop cleanly');
      }
    }
  }
}
