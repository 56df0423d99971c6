import express from 'express';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { opsRoutes } from '../../../platform/ops-routes.ts';
import { listen, type RunningHttpServer } from '../../../platform/http-server.ts';
import { withRequestSpans } from '../../../platform/request-spans.ts';
import { startTracingFromEnv, stopTracing } from '../../../platform/tracing.ts';
import { localKeyLookup, remoteKeyLookup } from '../auth/key-sources.ts';
import { publicJwks, type SigningKeySet } from '../auth/keys.ts';
import { keySetSigner } from '../auth/token-signer.ts';
import { cachedSessionCheck, remoteSessionCheck, type SessionCheck } from '../auth/session-check.ts';
import type { KeyLookup } from '../auth/tokens.ts';
import { createCache } from '../cache/create-cache.ts';
import { KitConfigError, type KitConfig } from '../config.ts';
import type { ServiceDefinition } from '../define-service.ts';
import { kitMetrics } from '../observability/kit-metrics.ts';
import { createTransport } from './create-transport.ts';
import { startServiceRuntime } from './service-runtime.ts';
import { internalOdooEndpoint, loadInternalCallSettings } from './internal-odoo-endpoint.ts';

export interface ServedService {
  port: number;
  stop(): Promise<void>;
}

/**
 * `ficus serve <service>` (distributed): one service alone, with its own database URL, its own
 * HTTP port (REST, /openapi.json, /healthz, /readyz, /metrics) and the configured bus and cache.
 */
export async function serveService(service: ServiceDefinition<any>, config: KitConfig, logger: Logger, metrics: Registry, keys?: KeyLookup, signingKeys?: () => SigningKeySet): Promise<ServedService> {
  const databaseUrl = config.databaseUrl(service.name);
  if (!databaseUrl) throw new KitConfigError(`FICUS_SERVICE_DB_${service.name.toUpperCase()}`, `the database URL of service ${service.name} is not set`);
  // The token authority holds the private keys: it verifies with them and publishes their public half.
  const lookup = keys ?? (signingKeys ? localKeyLookup(signingKeys) : config.jwksUrl ? remoteKeyLookup(config.jwksUrl) : undefined);
  if (!lookup) throw new KitConfigError('FICUS_JWKS_URL', 'set the auth service JWKS URL so bearer tokens can be verified');
  await startTracingFromEnv(`ficus-${service.name}`);
  const transport = createTransport(config, logger, kitMetrics(metrics));
  const cache = createCache(service.name, config.redisUrl);
  // Without it the service's legacy adapters have nowhere to go: they log LegacySideEffectUnavailable.
  const legacyPool = config.legacyDatabaseUrl ? new pg.Pool({ connectionString: config.legacyDatabaseUrl, max: 5, application_name: `ficus-${service.name}-legacy` }) : undefined;
  legacyPool?.on('error', (error) => logger.warn({ err: error }, 'an idle legacy database connection failed'));
  // Sessions: the token authority answers for itself; every other service asks it over HTTP (GET /auth/verify beside the JWKS).
  let ownAuthority: SessionCheck | undefined;
  const remote = config.jwksUrl ? remoteSessionCheck(new URL('/auth/verify', config.jwksUrl).toString()) : undefined;
  const sessions = () => ownAuthority ?? remote;
  const runtime = await startServiceRuntime(service, {
    databaseUrl, transport, cache, keys: lookup, logger, metrics, sessions,
    ...(legacyPool ? { legacyPool } : {}), ...(signingKeys ? { signer: keySetSigner(signingKeys) } : {}),
  }).catch(async (error: unknown) => {
    await legacyPool?.end();
    throw error;
  });
  const authority = runtime.sessionAuthority;
  if (authority) ownAuthority = cachedSessionCheck((principal) => authority(principal));
  let server: RunningHttpServer | undefined;
  try {
    await runtime.startPublishing();
    await runtime.startConsuming();
    const app = express();
    app.disable('x-powered-by');
    app.use(opsRoutes(metrics, [{ name: `${service.name} database`, check: async () => void (await runtime.database.pool.query('SELECT 1')) }]));
    app.get('/openapi.json', (_req, res) => {
      res.json(runtime.openapi);
    });
    if (signingKeys) {
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.json(publicJwks(signingKeys()));
      });
    }
    // Distributed mode: the gateway's signed Odoo calls of this service's modules (runtime/remote-odoo-calls.ts).
    const internal = loadInternalCallSettings();
    const odooCalls = internal.secret ? internalOdooEndpoint({ service, settings: { ...internal, secret: internal.secret }, pool: runtime.database.pool, logger, metrics, ...(legacyPool ? { legacyPool } : {}), ...(runtime.accessChanges ? { accessChanges: runtime.accessChanges } : {}) }) : undefined;
    if (odooCalls) app.use(odooCalls);
    app.use(runtime.router);
    withRequestSpans(app, logger, `ficus.${service.name}`);
    server = await listen(app, config.servicePort, config.serviceHost);
  } catch (error) {
    await runtime.stop();
    await transport.close();
    await legacyPool?.end();
    throw error;
  }
  logger.info({ service: service.name, port: server.port, bus: transport.kind }, 'service listening');
  const running = server;
  return {
    port: running.port,
    async stop() {
      await running.close(5000);
      await runtime.stop();
      await transport.close();
      await cache.close();
      await legacyPool?.end();
      await stopTracing();
    },
  };
}
