import express from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { listen } from '../../../../platform/http-server.ts';
import { createLogger } from '../../../../platform/logger.ts';
import dynamic from '../../../../services/dynamic/index.ts';
import type { DynamicDatabase } from '../../../../services/dynamic/db/tables.ts';
import { localKeyLookup } from '../../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../../services/kit/bus/service-bus.ts';
import { MemoryCache } from '../../../../services/kit/cache/memory-cache.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../../services/kit/db/database.ts';
import type { NewEvent } from '../../../../services/kit/events/cloudevent.ts';
import type { EventType } from '../../../../services/kit/events/event-types.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../../services/kit/odoo/service-face.ts';
import { kitMetrics } from '../../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../../../services/kit/runner/service-runtime.ts';
import { createFullOrmEngine, coreBehaviours, type OrmEngine } from '../../../../odoo-bridge/orm/index.ts';
import { registerFeedBehaviours } from '../../../../services/dynamic/odoo/behaviours.ts';
import { emptyDatabase, type TestDatabase } from '../../../support/databases.ts';
import { dynamicServiceCopy, type DynamicServiceCopy } from './dynamic-copy.ts';
import { RecordingCache } from './recording-cache.ts';

/** Who publishes which event type in the platform (test publishers stand in for the services). */
const PUBLISHERS: Record<string, EventType[]> = {
  trade: ['order_created', 'order_assigned', 'service_completed'],
  auth: ['user_registered'],
  content: ['content_published', 'question_answered', 'post_liked'],
  biz: ['live_started', 'community_created'],
  user: ['goal_achieved'],
};

export type M19Owner = 'legacy' | 'service';

export interface DynamicStack {
  copy: DynamicServiceCopy;
  baseUrl: string;
  runtime: ServiceRuntime<DynamicDatabase>;
  cache: RecordingCache;
  /** Odoo RPC as the gateway answers M19 once dynamic owns it: the engine over svc_dynamic with hp_feed's behaviour. */
  serviceEngine: OrmEngine;
  /** Odoo RPC as the gateway answers M19 before: the engine over the monolith's copy (no upstream Odoo). */
  legacyEngine: OrmEngine;
  /** Records who owns M19 in svc_dynamic as the control plane does (ficus_cdc.write_owner). */
  setOwner(owner: M19Owner): Promise<void>;
  /** The database that holds M19's rows for `owner`. */
  home(owner: M19Owner): pg.Pool;
  token(userId: number, scopes?: string[]): string;
  /** Publishes events as the platform's services do (an outbox each), in one transaction. */
  publish(events: NewEvent[]): Promise<void>;
  /** Resolves once the feed's consumer group has handled (or dead-lettered) this many events in all. */
  waitHandled(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The dynamic service as `ficus start` runs it, on a copy of the monolith and a backfilled
 * svc_dynamic: REST on a real port, its consumer reading the outboxes of stand-in publishers
 * over the embedded bus, the monolith's pool beside it, and the engines that answer Odoo RPC
 * for M19 on either side of the cut.
 */
export async function startDynamicStack(options: { owner?: M19Owner; cache?: RecordingCache } = {}): Promise<DynamicStack> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const metrics = new Registry();
  const copy = await dynamicServiceCopy();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const publisherDbs: TestDatabase[] = [];
  const publishers = new Map<EventType, { bus: ServiceBus; database: ServiceDatabase<unknown> }>();
  for (const [service, types] of Object.entries(PUBLISHERS)) {
    const test = await emptyDatabase(`pub_${service}`);
    publisherDbs.push(test);
    const database = await openServiceDatabase<unknown>({ url: test.url, service, logger, migrations: [] });
    const bus = new ServiceBus({ service, database, publishes: types, transport, logger, metrics: kitMetrics(metrics) });
    await bus.startPublishing();
    for (const type of types) publishers.set(type, { bus, database });
  }
  const cache = options.cache ?? new RecordingCache(new MemoryCache('ficus:dynamic:'));
  const runtime = await startServiceRuntime<DynamicDatabase>(dynamic, {
    databaseUrl: copy.service.url, transport, cache, keys: localKeyLookup(() => keys), logger, metrics, legacyPool: copy.legacy.pool,
  });
  await runtime.startConsuming();
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  const serviceEngine = createServiceEngine(dynamic as ServiceWithOdooFace, { name: 'hp_legacy', pool: copy.service.pool, logger });
  const legacyEngine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: copy.legacy.pool }, behaviours: registerFeedBehaviours(coreBehaviours()) });
  const stack: DynamicStack = {
    copy,
    baseUrl: `http://127.0.0.1:${server.port}`,
    runtime,
    cache,
    serviceEngine,
    legacyEngine,
    async setOwner(owner) {
      await copy.service.pool.query('CREATE SCHEMA IF NOT EXISTS ficus_cdc');
      await copy.service.pool.query(`CREATE TABLE IF NOT EXISTS ficus_cdc.write_owner (module text PRIMARY KEY, owner text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), cutover_id bigint)`);
      await copy.service.pool.query(`INSERT INTO ficus_cdc.write_owner (module, owner) VALUES ('M19', $1) ON CONFLICT (module) DO UPDATE SET owner = EXCLUDED.owner`, [owner]);
    },
    home: (owner) => (owner === 'service' ? copy.service.pool : copy.legacy.pool),
    token: (userId, scopes) => issueToken(keys, { userId, ...(scopes ? { scopes } : {}) }),
    async publish(events) {
      const byPublisher = new Map<ServiceBus, { database: ServiceDatabase<unknown>; events: NewEvent[] }>();
      for (const event of events) {
        const publisher = publishers.get(event.type)!;
        const batch = byPublisher.get(publisher.bus) ?? { database: publisher.database, events: [] };
        batch.events.push(event);
        byPublisher.set(publisher.bus, batch);
      }
      for (const [bus, batch] of byPublisher) await batch.database.db.transaction().execute((tx) => bus.publishMany(tx, batch.events));
    },
    async waitHandled(count, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const { rows } = await copy.service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE consumer_group = 'dynamic'`);
        if (rows[0]!.n >= count) return;
        if (Date.now() - started > timeoutMs) throw new Error(`the feed handled ${rows[0]!.n} of ${count} events in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      await server.close(1000);
      await runtime.stop();
      await transport.close();
      for (const { database } of new Set(publishers.values())) await database.close();
      for (const db of publisherDbs) await db.drop();
      await copy.stop();
    },
  };
  if (options.owner) await stack.setOwner(options.owner);
  return stack;
}

/** A small REST client for the stack. */
export function restClient(baseUrl: string) {
  return async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
  };
}
