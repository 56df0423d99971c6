import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyServiceBackfill } from '../../../bench/support/service-backfill-copy.ts';
import { listen, type RunningHttpServer } from '../../../platform/http-server.ts';
import { createLogger } from '../../../platform/logger.ts';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { localKeyLookup } from '../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../../../services/kit/db/provision.ts';
import type { ServiceDefinition } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../../services/kit/runner/service-runtime.ts';
import ops from '../../../services/ops/index.ts';
import trade from '../../../services/trade/index.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { tradeServiceCopy, type TradeServiceCopy } from '../trade/support/trade-service-copy.ts';

/**
 * Issue 26, bar 3: every service_completed trade publishes updates the coach's rating figures in
 * ops exactly once. Trade and ops run as `ficus start` runs them (kit/runner/embedded.ts): one
 * in-process bus, trade publishing from its outbox, ops consuming in its own groups. Orders are
 * completed through trade's REST API by their health workers, each completion asked twice (the
 * second is the state machine's 409 and publishes nothing); then every event trade published must
 * be in ops's completions once, and each coach's completed_services must have grown by exactly
 * the number of their completed orders.
 */
const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
let copy: TradeServiceCopy;
let opsDb: TestDatabase;
let transport: EmbeddedTransport;
let runtimes: ServiceRuntime<any>[] = [];
let server: RunningHttpServer;
let baseUrl: string;
const keys = newSigningKeySet();

beforeAll(async () => {
  copy = await tradeServiceCopy();
  opsDb = await emptyDatabase('svc_ops');
  await provisionServiceDatabase(opsDb.url, ops.migrations);
  await copyServiceBackfill(copy.legacy.pool, opsDb.url, 'ops', ['ratings', 'certifications']);
  const metrics = new Registry();
  transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const start = <DB>(definition: ServiceDefinition<DB>, databaseUrl: string) =>
    startServiceRuntime(definition, {
      databaseUrl, transport, cache: new MemoryCache(`ficus:${definition.name}:`), keys: localKeyLookup(() => keys), logger, metrics, legacyPool: copy.legacy.pool,
    });
  runtimes = [await start(trade, copy.service.url), await start(ops, opsDb.url)];
  for (const runtime of runtimes) await runtime.startPublishing();
  for (const runtime of runtimes) await runtime.startConsuming();
  const app = express();
  app.use(runtimes[0]!.router);
  server = await listen(app, 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${server.port}`;
}, 120_000);

afterAll(async () => {
  await server?.close(1000);
  for (const runtime of [...runtimes].reverse()) await runtime.stop();
  await transport?.close();
  await opsDb?.drop();
  await copy?.stop();
});

async function complete(orderId: number, workerId: number): Promise<number> {
  const token = issueToken(keys, { userId: workerId, credentialStamp: await credentialStampOf(copy.service.pool, workerId) });
  const answer = await fetch(`${baseUrl}/trade/orders/${orderId}/status`, {
    method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ action: 'complete' }),
  });
  await answer.arrayBuffer();
  return answer.status;
}

describe('service_completed from trade to ops', () => {
  it("every completion trade publishes adds one completed service to its coach's figures, once", { timeout: 120_000 }, async () => {
    const { rows: orders } = await copy.service.pool.query<{ id: number; health_worker_id: number }>(
      "SELECT id, health_worker_id FROM service_orders WHERE state = 'in_service' AND health_worker_id IS NOT NULL ORDER BY id LIMIT 24",
    );
    expect(orders.length).toBeGreaterThan(5);
    const before = new Map((await opsDb.pool.query<{ coach_id: number; completed_services: number }>('SELECT coach_id, completed_services FROM coach_rating_stats')).rows.map((r) => [r.coach_id, r.completed_services]));

    // Each order completed by its worker, twice at once: one 200, one 409 (the state machine), one event.
    const statuses = await Promise.all(orders.flatMap((o) => [complete(o.id, o.health_worker_id), complete(o.id, o.health_worker_id)]));
    expect(statuses.filter((s) => s === 200)).toHaveLength(orders.length);
    expect(statuses.filter((s) => s === 409)).toHaveLength(orders.length);

    const { rows: published } = await copy.service.pool.query<{ id: string; order_id: number }>(
      "SELECT id, (payload->'data'->>'orderId')::int AS order_id FROM outbox WHERE type = 'service_completed' ORDER BY 2",
    );
    expect(published.map((e) => e.order_id)).toEqual(orders.map((o) => o.id));

    const deadline = Date.now() + 60_000;
    let recorded: { order_id: number; event_id: string; coach_id: number }[] = [];
    while (Date.now() < deadline) {
      recorded = (await opsDb.pool.query<{ order_id: number; event_id: string; coach_id: number }>('SELECT order_id, event_id, coach_id FROM coach_rating_completions ORDER BY order_id')).rows;
      if (recorded.length >= orders.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(recorded.map((r) => [r.order_id, r.event_id])).toEqual(published.map((e) => [e.order_id, e.id]));

    const perCoach = new Map<number, number>();
    for (const o of orders) perCoach.set(o.health_worker_id, (perCoach.get(o.health_worker_id) ?? 0) + 1);
    const after = new Map((await opsDb.pool.query<{ coach_id: number; completed_services: number }>('SELECT coach_id, completed_services FROM coach_rating_stats')).rows.map((r) => [r.coach_id, r.completed_services]));
    for (const [coach, n] of perCoach) expect({ coach, completed: after.get(coach) }).toEqual({ coach, completed: (before.get(coach) ?? 0) + n });
    // Nothing else moved: no coach without a completion here gained one.
    for (const [coach, completed] of after) if (!perCoach.has(coach)) expect({ coach, completed }).toEqual({ coach, completed: before.get(coach) });
  });
});
