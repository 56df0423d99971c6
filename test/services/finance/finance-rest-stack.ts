import express from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { serviceReferenceTablesIn } from '../../../migration/control/sync/reference-tables.ts';
import { listen } from '../../../platform/http-server.ts';
import { createLogger } from '../../../platform/logger.ts';
import { FINANCE_MIGRATIONS } from '../../../services/finance/db/migrations.ts';
import type { FinanceDatabase } from '../../../services/finance/db/tables.ts';
import finance from '../../../services/finance/index.ts';
import type { OdooCalls } from '../../../services/kit/index.ts';
import { localKeyLookup } from '../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../../../services/kit/db/provision.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../../services/kit/runner/service-runtime.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/** M13, M14 and M15's tables. */
export const FINANCE_TABLES = ['payments', 'settlements', 'points_transactions', 'gifts', 'gift_orders'] as const;

/** Who owns M13–M15 as svc_finance's write-owner rows say: finance's rows live in svc_finance ('service') or the monolith ('legacy'). */
export type FinanceOwner = 'legacy' | 'service';

export interface FinanceRestStack {
  legacy: TestDatabase;
  service: TestDatabase;
  baseUrl: string;
  runtime: ServiceRuntime<FinanceDatabase>;
  /** Records the owner of M13–M15 in svc_finance, as the control plane's cutover and rollback do. */
  setOwner(owner: FinanceOwner): Promise<void>;
  /** The database holding finance's rows for `owner`. */
  home(owner: FinanceOwner): pg.Pool;
  token(userId: number): string;
  call: ReturnType<typeof restClient>;
  stop(): Promise<void>;
}

/**
 * Finance's REST API as `ficus start` serves it, without a sync running: svc_finance as the
 * forward sync leaves it after a backfill (finance's migrations, then the engine's reference
 * tables and M13–M15's rows copied from a fresh monolith), the service runtime on a real port
 * with the monolith's pool beside it, and the owner rows a cutover would leave (FinanceOwner).
 */
export async function startFinanceRestStack(options: { owner: FinanceOwner; odoo?: OdooCalls }): Promise<FinanceRestStack> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const service = await emptyDatabase('svc_finance');
  await provisionServiceDatabase(service.url, FINANCE_MIGRATIONS);
  const source = await legacy.pool.connect();
  const target = await service.pool.connect();
  try {
    // The engine's reference tables and those finance's models point at, as its reference sync copies them.
    const referenceTables = await serviceReferenceTablesIn(legacy.pool, 'finance');
    await copyTableDefinitions(source, target, referenceTables);
    for (const table of [...referenceTables, ...FINANCE_TABLES]) {
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of FINANCE_TABLES) {
      await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [table]);
    }
  } finally {
    source.release();
    target.release();
  }
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<FinanceDatabase>(finance, {
    databaseUrl: service.url, transport, cache: new MemoryCache('ficus:finance:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool: legacy.pool,
    ...(options.odoo ? { odoo: options.odoo } : {}),
  });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const stack: FinanceRestStack = {
    legacy,
    service,
    baseUrl,
    runtime,
    async setOwner(owner) {
      await service.pool.query('CREATE SCHEMA IF NOT EXISTS ficus_cdc');
      await service.pool.query('CREATE TABLE IF NOT EXISTS ficus_cdc.write_owner (module text PRIMARY KEY, owner text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), cutover_id bigint)');
      for (const module of ['M13', 'M14', 'M15']) {
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
