import express from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { copyServiceBackfill } from '../../../bench/support/service-backfill-copy.ts';
import { listen } from '../../../platform/http-server.ts';
import { createLogger } from '../../../platform/logger.ts';
import { USER_MIGRATIONS } from '../../../services/user/db/migrations.ts';
import type { UserDatabase } from '../../../services/user/db/tables.ts';
import user from '../../../services/user/index.ts';
import { localKeyLookup } from '../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../../../services/kit/db/provision.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../../services/kit/runner/service-runtime.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { restClient } from '../finance/finance-rest-stack.ts';

/** M02's tables. */
export const USER_TABLES = ['health_records', 'device_bindings', 'health_goals', 'assessments'] as const;

/** Who owns M02 as svc_user's write-owner row says: its rows live in svc_user ('service') or the monolith ('legacy'). */
export type UserOwner = 'legacy' | 'service';

export interface HealthDataStack {
  legacy: TestDatabase;
  service: TestDatabase;
  baseUrl: string;
  runtime: ServiceRuntime<UserDatabase>;
  setOwner(owner: UserOwner): Promise<void>;
  /** The database holding M02's rows for `owner`. */
  home(owner: UserOwner): pg.Pool;
  token(userId: number): string;
  call: ReturnType<typeof restClient>;
  stop(): Promise<void>;
}

/**
 * The user service's REST API as `ficus start` serves it, without a sync running: svc_user as the
 * forward sync leaves it after a backfill (its migrations, then the engine's reference tables and
 * M02's rows copied from a fresh monolith), the runtime on a real port with the monolith's pool
 * beside it, and the owner row a cutover (or none) would leave.
 */
export async function startHealthDataStack(options: { owner: UserOwner }): Promise<HealthDataStack> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const service = await emptyDatabase('svc_user');
  await provisionServiceDatabase(service.url, USER_MIGRATIONS);
  await copyServiceBackfill(legacy.pool, service.url, 'user', USER_TABLES);
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<UserDatabase>(user, {
    databaseUrl: service.url, transport, cache: new MemoryCache('ficus:user:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool: legacy.pool,
  });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const stack: HealthDataStack = {
    legacy,
    service,
    baseUrl,
    runtime,
    async setOwner(owner) {
      await service.pool.query('CREATE SCHEMA IF NOT EXISTS ficus_cdc');
      await service.pool.query('CREATE TABLE IF NOT EXISTS ficus_cdc.write_owner (module text PRIMARY KEY, owner text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), cutover_id bigint)');
      await service.pool.query('INSERT INTO ficus_cdc.write_owner (module, owner) VALUES ($1, $2) ON CONFLICT (module) DO UPDATE SET owner = EXCLUDED.owner', ['M02', owner]);
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
