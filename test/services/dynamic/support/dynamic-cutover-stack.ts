import express from 'express';
import pg from 'pg';
import { Registry } from 'prom-client';
import { startDrillStack, type DrillStack } from '../../../../bench/drill/drill-stack.ts';
import { listen } from '../../../../platform/http-server.ts';
import { createLogger } from '../../../../platform/logger.ts';
import dynamic from '../../../../services/dynamic/index.ts';
import { localKeyLookup } from '../../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../../../../services/kit/runner/service-runtime.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../../support/databases.ts';
import { holdModuleSyncs } from '../../../support/module-sync-lock.ts';

const M19_SLOTS = ['ficus_fwd_m19', 'ficus_rev_m19', 'ficus_ref_dynamic'];

async function dropM19Slots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [M19_SLOTS]);
  } finally {
    await admin.end();
  }
}

export interface DynamicCutoverStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  /** Dynamic's REST API over svc_dynamic, with the monolith's pool beside it, as `ficus start` mounts it. */
  restUrl: string;
  token(userId: number, scopes?: string[]): string;
  stop(): Promise<void>;
}

/**
 * A fresh legacy copy with M19 moved to dynamic the way the migration team does it: the running
 * stack of `ficus start` (gateway, phase routing, syncs), `backfill`, a forced `shadow` and
 * `cutover` (shadow samples are beside the point here), then dynamic's REST API and consumer.
 * The module's slots are per cluster: the M19 sync lock is held for the stack's life.
 */
export async function startDynamicCutoverStack(): Promise<DynamicCutoverStack> {
  const lock = await holdModuleSyncs('M19');
  await dropM19Slots();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const control = await emptyDatabase('control');
  const service = await emptyDatabase('svc_dynamic');
  const stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'dynamic' });
  const force = { force: true, reason: 'test: dynamic takes over M19', actor: 'test' };
  const backfill = await stack.controller.backfill('M19', { waitMs: 120_000 });
  if (!backfill.ok) throw new Error(backfill.message);
  await stack.controller.shadow('M19', force);
  await stack.controller.cutover('M19', force);
  const started = Date.now();
  while (stack.runtime.book.get('M19').phase !== 'service') {
    if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover');
    await new Promise((r) => setTimeout(r, 20));
  }
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime(dynamic, {
    databaseUrl: service.url, transport, cache: new MemoryCache('ficus:dynamic:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool: stack.legacyPool,
  });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  return {
    stack,
    legacy,
    service,
    restUrl: `http://127.0.0.1:${server.port}`,
    token: (userId, scopes) => issueToken(keys, { userId, ...(scopes ? { scopes } : {}) }),
    async stop() {
      await server.close(1000);
      await runtime.stop();
      await transport.close();
      await stack.stop();
      await control.drop();
      await service.drop();
      await legacy.drop();
      await dropM19Slots();
      await lock.release();
    },
  };
}
