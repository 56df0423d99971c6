import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { freePort } from '../../../bench/support/free-port.ts';
import { startKafkaStack, type KafkaStack } from '../../../cdc/distributed/stack.ts';
import { isReadMethod } from '../../../migration/control/call-kinds.ts';
import { MigrationController } from '../../../migration/control/controller.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createGatewayApp } from '../../../odoo-bridge/gateway.ts';
import { createLoginThrottle, createOdooGateway } from '../../../odoo-bridge/odoo-gateway.ts';
import { createPostgresSessionStore } from '../../../odoo-bridge/sessions/postgres-session-store.ts';
import { ensureDatabase } from '../../../platform/ensure-database.ts';
import { listen, type RunningHttpServer } from '../../../platform/http-server.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { startRemoteServices, type RemoteServices } from '../../../runtime/distributed-services.ts';
import { signedOdooCallRouter } from '../../../services/kit/runner/internal-odoo-endpoint.ts';
import { loadBuiltServices } from '../../../services/catalog.ts';
import { newSigningKeySet, publicJwks, type SigningKeySet } from '../../../services/kit/auth/keys.ts';
import { runFicus, waitForHttp, type FicusProcess } from '../../support/ficus-process.ts';
import { startCollector, type TestCollector } from '../../support/otel-collector.ts';
import { startTracing, stopTracing } from '../../../platform/tracing.ts';
import { startPrivateCluster } from '../../migration/control/support/private-cluster.ts';

export const TRADE_MODULES = ['M04', 'M20'] as const;

export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  process: FicusProcess;
}

export interface DistributedStack {
  gatewayUrl: string;
  legacyUrl: string;
  legacy: pg.Pool;
  trade: pg.Pool;
  finance: pg.Pool;
  control: pg.Pool;
  controlUrl: string;
  clusterUrl: (database: string) => string;
  runtime: MigrationRuntime;
  remote: RemoteServices;
  metrics: ReturnType<typeof createMetricsRegistry>;
  keys: SigningKeySet;
  /** FICUS_INTERNAL_SECRET of this stack (a test may sign as a service does). */
  secret: string;
  processes: ServiceProcess[];
  /** The OpenTelemetry Collector every process (this one's gateway too) exports its spans to. */
  collector: TestCollector;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Distributed mode on one machine: a private PostgreSQL (legacy restored; svc_trade, svc_finance,
 * control), Kafka + Kafka Connect with Debezium (cdc/distributed), the gateway as `ficus start`
 * composes it with FICUS_SERVICE_URLS (migration runtime with the remote hook, Odoo routes, the
 * remote services' REST forwarded) in this process, M04 + M20 backfilled and cut over to trade,
 * then two `ficus serve trade` and one `ficus serve finance` processes on the Kafka bus, each
 * answering the gateway's signed Odoo calls.
 */
export async function startDistributedStack(): Promise<DistributedStack> {
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const mark = (what: string) => (timings[what] = Date.now() - t0);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => console.error('distributed stack: stop failed', error));
  };
  try {
    const [cluster, kafka, collector] = await Promise.all([startPrivateCluster(), startKafkaStack() as Promise<KafkaStack>, startCollector()]);
    closers.push(() => cluster.stop());
    closers.push(() => kafka.stop());
    closers.push(() => collector.stop());
    // The gateway runs in this process: its spans go to the same collector as the services' (before the app is made).
    await startTracing({ serviceName: 'ficus-gateway', tracesUrl: `${collector.endpoint}/v1/traces` });
    closers.push(() => stopTracing());
    mark('cluster and kafka');
    const admin = cluster.cluster.url('postgres');
    for (const name of ['control', 'svc_trade', 'svc_finance']) await ensureDatabase(admin, name);
    const url = (database: string) => cluster.cluster.url(database);
    const legacyUrl = cluster.legacyUrl;

    // The auth service's JWKS as `ficus serve` finds it (FICUS_JWKS_URL); /auth/verify beside it answers for session-less tokens.
    const keys = newSigningKeySet();
    const jwks: Server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(publicJwks(keys))));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => jwks.close(() => r())));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;

    const secret = randomBytes(32).toString('hex');
    const ports = { trade: [await freePort(), await freePort()], finance: [await freePort()] };
    const metrics = createMetricsRegistry();
    const remote = startRemoteServices({
      config: {
        instances: new Map(Object.entries(ports).map(([name, list]) => [name, list.map((p) => `http://127.0.0.1:${p}`)])),
        secret, timeoutMs: 10_000, healthIntervalMs: 250,
      },
      services: await loadBuiltServices(), isReadMethod, logger, metrics,
    });
    closers.push(async () => remote.stop());

    const legacy = new pg.Pool({ connectionString: legacyUrl, max: 20, application_name: 'ficus-gateway' });
    const control = new pg.Pool({ connectionString: url('control'), max: 4 });
    const trade = new pg.Pool({ connectionString: url('svc_trade'), max: 4 });
    const finance = new pg.Pool({ connectionString: url('svc_finance'), max: 4 });
    for (const pool of [legacy, control, trade, finance]) pool.on('error', () => undefined);
    closers.push(async () => {
      for (const pool of [legacy, control, trade, finance]) await pool.end();
    });
    const endpoints = embeddedEndpoints({ controlUrl: url('control'), legacyUrl, serviceUrls: { trade: url('svc_trade'), finance: url('svc_finance') } });
    const runtime = await startMigrationRuntime({
      endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy, logger, metrics, refreshMs: 1000, heartbeatIntervalMs: 500,
      remoteService: remote.odooCallsOf,
    });
    closers.push(() => runtime.stop());
    const sessions = await createPostgresSessionStore(control, 3600);
    closers.push(() => sessions.close());
    const served = { name: 'hp_legacy', pool: legacy };
    const odooRouters = await createOdooGateway({
      databases: [served], handlerFor: runtime.handlerFor, router: runtime.router, sessions, maxInactivitySeconds: 3600,
      throttle: await createLoginThrottle(legacy, { logger }), logger, metrics,
    });
    const gateway: RunningHttpServer = await listen(createGatewayApp({ logger, metrics, readiness: [], routers: [...odooRouters, ...remote.routers, signedOdooCallRouter({ secret, odooDatabaseName: 'hp_legacy', call: runtime.behaviourCall, logger })] }), 0, '127.0.0.1');
    closers.push(() => gateway.close(1000));
    mark('gateway');

    // The migration team's steps: backfill, a forced shadow, cutover of both trade modules together.
    const controller = await MigrationController.open(endpoints);
    closers.push(() => controller.close());
    const force = { force: true, reason: 'test: trade takes over M04 and M20, served apart', actor: 'test' };
    for (const module of TRADE_MODULES) {
      const backfill = await controller.backfill(module, { waitMs: 120_000 });
      if (!backfill.ok) throw new Error(backfill.message);
    }
    for (const module of TRADE_MODULES) await controller.shadow(module, force);
    await controller.together('cutover', [...TRADE_MODULES], force);
    const flipped = Date.now();
    while (TRADE_MODULES.some((m) => runtime.book.get(m).phase !== 'service')) {
      if (Date.now() - flipped > 5000) throw new Error('the gateway did not learn the cutover');
      await new Promise((r) => setTimeout(r, 20));
    }
    mark('cutover');

    const processes: ServiceProcess[] = [];
    const common = {
      LEGACY_DATABASE_URL: legacyUrl, FICUS_JWKS_URL: jwksUrl, FICUS_INTERNAL_SECRET: secret, FICUS_GATEWAY_URL: `http://127.0.0.1:${gateway.port}`,
      FICUS_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_CONNECT_URL: kafka.connectUrl, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    };
    for (const [name, list] of Object.entries(ports)) {
      for (const port of list) {
        const child = runFicus(['serve', name], { ...common, [`FICUS_SERVICE_DB_${name.toUpperCase()}`]: url(`svc_${name}`), FICUS_SERVICE_PORT: String(port) });
        processes.push({ name, port, url: `http://127.0.0.1:${port}`, process: child });
      }
    }
    closers.push(async () => {
      for (const p of processes) if (p.process.child.exitCode === null && p.process.child.signalCode === null) p.process.child.kill('SIGTERM');
      await Promise.all(processes.map((p) => p.process.exited));
    });
    await Promise.all(processes.map((p) => waitForHttp(`${p.url}/readyz`, 120_000).catch((error: Error) => {
      throw new Error(`${p.name} on ${p.port}: ${error.message}\n${p.process.output().slice(-4000)}`);
    })));
    // Every instance back in the gateway's rotation (the first checks ran before they listened).
    const started = Date.now();
    while (Object.values(remote.healthyCounts()).reduce((a, b) => a + b, 0) < processes.length) {
      if (Date.now() - started > 5000) throw new Error(`the gateway sees ${JSON.stringify(remote.healthyCounts())} healthy instances`);
      await new Promise((r) => setTimeout(r, 50));
    }
    mark('services');
    return {
      gatewayUrl: `http://127.0.0.1:${gateway.port}`, legacyUrl, legacy, trade, finance, control, controlUrl: url('control'), clusterUrl: url,
      runtime, remote, metrics, keys, secret, processes, collector, timings, stop: stopAll,
    };
  } catch (error) {
    console.log(`[distributed] failed to start after ${JSON.stringify(timings)} ms`);
    await stopAll();
    throw error;
  }
}
