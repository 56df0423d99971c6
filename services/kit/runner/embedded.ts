import { Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LoginGuard } from '../auth/login-guard.ts';
import { cachedSessionCheck, type SessionCheck } from '../auth/session-check.ts';
import type { TokenSigner } from '../auth/token-signer.ts';
import type { KeyLookup } from '../auth/tokens.ts';
import type { BusTransport } from '../bus/types.ts';
import { createCache } from '../cache/create-cache.ts';
import { ensureDatabase } from '../../../platform/ensure-database.ts';
import { serviceDatabaseName } from '../db/database.ts';
import type { OdooCalls, ServiceDefinition } from '../define-service.ts';
import { mergeOpenApi } from '../http/openapi.ts';
import { kitMetrics } from '../observability/kit-metrics.ts';
import { EmbeddedTransport } from '../bus/embedded-transport.ts';
import { startServiceRuntime, type ServiceRuntime } from './service-runtime.ts';

export interface EmbeddedServicesOptions {
  services: ServiceDefinition<any>[];
  /** URL of a database in the embedded cluster, by name (`cluster.url`). */
  databaseUrl: (database: string) => string;
  logger: Logger;
  metrics: Registry;
  keys: KeyLookup;
  /** Defaults to the in-process PostgreSQL bus. */
  transport?: BusTransport;
  redisUrl?: string;
  /** The monolith's database, for the services' legacy adapters. */
  legacyPool?: pg.Pool;
  /** Signs access tokens (the auth service issues them with it). */
  signer?: TokenSigner;
  /** The login cooldown the gateway's Odoo logins count in, shared with the auth service. */
  logins?: LoginGuard;
  /** The gateway's dispatch of model calls (PlatformPorts.odoo). */
  odoo?: OdooCalls;
}

export interface EmbeddedServices {
  /** One router per service, then `/openapi.json` (all services); mount them on the gateway. */
  routers: Router[];
  runtimes: ServiceRuntime[];
  stop(): Promise<void>;
}

/**
 * `ficus start`: every service in this process, each with database `svc_<name>` in the embedded
 * cluster (created on first start, migrated on every start). Stops what it started if one fails.
 */
export async function startEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const { logger, metrics } = options;
  const transport = options.transport ?? new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtimes: ServiceRuntime[] = [];
  const caches = options.services.map((s) => createCache(s.name, options.redisUrl));
  const stop = async () => {
    for (const runtime of [...runtimes].reverse()) await runtime.stop().catch((error: unknown) => logger.error({ err: error, service: runtime.name }, 'could not stop cleanly'));
    await transport.close();
    await Promise.all(caches.map((c) => c.close()));
  };
  // The token authority (auth) answers whether a session is alive for every service in this process.
  let sessionCheck: SessionCheck | undefined;
  const sessions = () => sessionCheck;
  try {
    for (const [index, service] of options.services.entries()) {
      const name = serviceDatabaseName(service.name);
      await ensureDatabase(options.databaseUrl('postgres'), name);
      const runtime = await startServiceRuntime(service, {
        databaseUrl: options.databaseUrl(name), transport, cache: caches[index]!, keys: options.keys, logger, metrics, sessions,
        ...(options.logins ? { logins: options.logins } : {}),
        ...(options.legacyPool ? { legacyPool: options.legacyPool } : {}), ...(options.signer ? { signer: options.signer } : {}),
        ...(options.odoo ? { odoo: options.odoo } : {}),
      });
      runtimes.push(runtime);
      const authority = runtime.sessionAuthority;
      if (authority) sessionCheck = cachedSessionCheck((principal) => authority(principal));
    }
    for (const runtime of runtimes) await runtime.startPublishing();
    for (const runtime of runtimes) await runtime.startConsuming();
  } catch (error) {
    await stop();
    throw error;
  }
  const merged = Router();
  const openapi = mergeOpenApi(runtimes.map((r) => r.openapi));
  merged.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  logger.info({ services: runtimes.map((r) => r.name) }, 'services started');
  return { routers: [...runtimes.map((r) => r.router), merged], runtimes, stop };
}
