import express from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { copyServiceBackfill } from '../../bench/support/service-backfill-copy.ts';
import { listen } from '../../platform/http-server.ts';
import { createLogger } from '../../platform/logger.ts';
import type { ModuleId, OdooCalls, ServiceDefinition } from '../../services/kit/index.ts';
import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../services/kit/auth/keys.ts';
import { issueToken } from '../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../../services/kit/db/provision.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../services/kit/runner/service-runtime.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from './databases.ts';

/** Who owns the service's modules as its write-owner rows say: its rows live in its database ('service') or the monolith ('legacy'). */
export type ModuleOwner = 'legacy' | 'service';

export interface ServiceRestStack<DB> {
  legacy: TestDatabase;
  service: TestDatabase;
  baseUrl: string;
  runtime: ServiceRuntime<DB>;
  /** Records the owner of the service's modules in its database, as the control plane's cutover and rollback do. */
  setOwner(owner: ModuleOwner, modules?: readonly ModuleId[]): Promise<void>;
  /** The database holding the modules' rows for `owner`. */
  home(owner: ModuleOwner): pg.Pool;
  /** A bearer token for `userId`, signed with the keys the runtime trusts. */
  token(userId: number): string;
  call: RestClient;
  stop(): Promise<void>;
}

export interface ServiceRestStackOptions<DB> {
  definition: ServiceDefinition<DB>;
  /** The modules' own tables, copied from a fresh monolith as a backfill would. */
  tables: readonly string[];
  owner: ModuleOwner;
  odoo?: OdooCalls;
}

/**
 * A service's REST API as `ficus start` serves it, without a sync running: its database as the
 * forward sync leaves it after a backfill (its migrations, then the engine's reference tables and
 * its modules' rows copied from a fresh monolith), the service runtime on a real port with the
 * monolith's pool beside it, and the owner rows a cutover (or none) would leave.
 */
export async function startServiceRestStack<DB>(options: ServiceRestStackOptions<DB>): Promise<ServiceRestStack<DB>> {
  const { definition } = options;
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const service = await emptyDatabase(`svc_${definition.name}`);
  await provisionServiceDatabase(service.url, definition.migrations);
  await copyServiceBackfill(legacy.pool, service.url, definition.name, options.tables);
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<DB>(definition, {
    databaseUrl: service.url, transport, cache: new MemoryCache(`ficus:${definition.name}:`), keys: localKeyLookup(() => keys), logger, metrics, legacyPool: legacy.pool,
    ...(options.odoo ? { odoo: options.odoo } : {}),
  });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const stack: ServiceRestStack<DB> = {
    legacy,
    service,
    baseUrl,
    runtime,
    async setOwner(owner, modules = definition.modules) {
      await service.pool.query('CREATE SCHEMA IF NOT EXISTS ficus_cdc');
      await service.pool.query('CREATE TABLE IF NOT EXISTS ficus_cdc.write_owner (module text PRIMARY KEY, owner text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), cutover_id bigint)');
      for (const module of modules) {
        await service.pool.query('INSERT INTO ficus_cdc.write_owner (module, owner) VALUES ($1, $2) ON CONFLICT (module) DO UPDATE SET owner = EXCLUDED.owner', [module, owner]);
      }
    },
    home: (owner) => (owner === 'service' ? service.pool : legacy.pool),
    token: (userId) => issueToken(keys, { userId }),
    call: restClient(baseUrl),
    async stop() {
      await server.close(1000);
      await runtime.stop();
      await transport.close();
      await service.drop();
      await legacy.drop();
    },
  };
  await stack.setOwner(options.owner);
  return stack;
}

export type RestClient = ReturnType<typeof restClient>;

/** A small REST client: JSON in, the answer's status, headers, raw text and JSON (when it is JSON). */
export function restClient(baseUrl: string) {
  return async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text ? (JSON.parse(text) as any) : undefined;
    return { status: response.status, headers: response.headers, text, body: json };
  };
}
