/**
 * The gateway and the auth service in their own process, composed as `ficus start` mounts them
 * (Odoo gateway with M01 answered by the engine over the legacy database, the auth service with
 * its signer, one login cooldown shared by both), for benchmarks that load it over HTTP from
 * another process: the process's event loop and its libuv pool are then the server's alone.
 *
 * Usage: node --import tsx auth-platform-process.ts LEGACY_URL AUTH_DB_URL CONTROL_URL ; prints
 * "ready <port>" when listening. Over IPC it answers `{ eventLoop: 'reset' | 'read' }` with its
 * event-loop delay since the last reset (ms), which says directly whether hashing ever held the
 * loop. SIGTERM stops it cleanly.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import { createLoginThrottle, createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import { coreBehaviours } from '../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { listen } from '../../platform/http-server.ts';
import { createLogger } from '../../platform/logger.ts';
import auth from '../../services/auth/index.ts';
import { registerAccountBehaviours } from '../../services/auth/odoo/behaviours.ts';
import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../services/kit/auth/keys.ts';
import { cachedSessionCheck, type SessionCheck } from '../../services/kit/auth/session-check.ts';
import { keySetSigner } from '../../services/kit/auth/token-signer.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../../services/kit/runner/service-runtime.ts';

export const BENCH_LEGACY_DB = 'hp_legacy';

const [legacyUrl, authDbUrl, controlUrl] = process.argv.slice(2);
if (!legacyUrl || !authDbUrl || !controlUrl) throw new Error('usage: auth-platform-process.ts LEGACY_URL AUTH_DB_URL CONTROL_URL');

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'json' });
const metrics = new Registry();
const legacyPool = new pg.Pool({ connectionString: legacyUrl, max: 16 });
const controlPool = new pg.Pool({ connectionString: controlUrl, max: 4 });
for (const pool of [legacyPool, controlPool]) pool.on('error', () => {});
const keys = newSigningKeySet();
const logins = await createLoginThrottle(legacyPool, { logger });
const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
let sessionCheck: SessionCheck | undefined;
const authRuntime = await startServiceRuntime(auth, {
  databaseUrl: authDbUrl,
  transport,
  cache: new MemoryCache('ficus:auth:'),
  keys: localKeyLookup(() => keys),
  logger,
  metrics,
  legacyPool,
  logins,
  sessions: () => sessionCheck,
  signer: keySetSigner(() => keys),
});
const authority = authRuntime.sessionAuthority!;
sessionCheck = cachedSessionCheck((principal) => authority(principal));
await authRuntime.startPublishing();
const sessions = await createPostgresSessionStore(controlPool, 3600);
const odooRouters = await createOdooGateway({
  databases: [{ name: BENCH_LEGACY_DB, pool: legacyPool }],
  handlerFor: (database) => createFullOrmEngine({ database, behaviours: registerAccountBehaviours(coreBehaviours()) }).call,
  sessions,
  maxInactivitySeconds: 3600,
  throttle: logins,
  logger,
  metrics,
});
const app = createGatewayApp({ logger, metrics, readiness: [], routers: [...odooRouters, authRuntime.router] });
const server = await listen(app, 0, '127.0.0.1');

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
process.on('message', (message: { eventLoop?: 'reset' | 'read' }) => {
  if (message.eventLoop === 'reset') {
    loopDelay.reset();
    process.send?.({ eventLoop: 'reset' });
  } else if (message.eventLoop === 'read') {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    process.send?.({ eventLoop: { p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max), meanMs: ms(loopDelay.mean) } });
  }
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  // Bounded: a stuck close must not keep the benchmark's databases from being dropped.
  setTimeout(() => process.exit(1), 10_000).unref();
  void (async () => {
    await server.close(1000);
    await authRuntime.stop();
    await transport.close();
    await sessions.close();
    await legacyPool.end();
    await controlPool.end();
    process.exit(0);
  })();
});
console.log(`ready ${server.port}`);
