import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CloudEvent, NewEvent } from '../events/cloudevent.ts';
import type { EventType } from '../events/event-types.ts';
import type { KitTables } from '../db/kit-tables.ts';
import type { ServiceDatabase } from '../db/database.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import type { Cache } from '../cache/cache.ts';
import { MemoryCache } from '../cache/memory-cache.ts';
import { GroupConsumer } from './consumer.ts';
import { OutboxWriter } from './outbox-writer.ts';
import type { Bus, BusTransport, EventHandler, RunningConsumer } from './types.ts';

export interface ServiceBusOptions {
  service: string;
  database: ServiceDatabase<unknown>;
  publishes: readonly EventType[];
  transport: BusTransport;
  logger: Logger;
  metrics: KitMetrics;
  maxAttempts?: number;
  /** The monolith's database, handed to event handlers (HandlerContext.legacyPool). */
  legacyPool?: import('pg').Pool;
  /** The service's cache, handed to event handlers (HandlerContext.cache); a private memory cache by default. */
  cache?: Cache;
}

/** The bus of one service: publishes into its outbox, consumes into its inbox. */
export class ServiceBus<DB = unknown> implements Bus<DB> {
  private readonly writer: OutboxWriter;
  private readonly groups = new Map<string, Map<EventType, EventHandler<EventType, unknown>>>();
  private readonly running: RunningConsumer[] = [];
  private readonly stopping = new AbortController();
  private consuming = false;
  private readonly cache: Cache;

  constructor(private readonly options: ServiceBusOptions) {
    this.writer = new OutboxWriter(options.service, new Set(options.publishes), options.metrics);
    this.cache = options.cache ?? new MemoryCache(`ficus:${options.service}:`);
  }

  async publish<T extends EventType>(tx: Kysely<any>, event: NewEvent<T>): Promise<CloudEvent<T>> {
    const [written] = await this.writer.write(tx, [event as NewEvent]);
    return written as CloudEvent<T>;
  }

  publishMany(tx: Kysely<any>, events: NewEvent[]): Promise<CloudEvent[]> {
    return this.writer.write(tx, events);
  }

  subscribe<T extends EventType>(type: T, group: string, handler: EventHandler<T, DB>): void {
    if (this.consuming) throw new Error('subscribe before the bus starts consuming');
    if (!/^[a-z][a-z0-9_.-]*$/.test(group)) throw new Error(`consumer group ${JSON.stringify(group)}: use lower-case letters, digits, . _ -`);
    const handlers = this.groups.get(group) ?? new Map();
    if (handlers.has(type)) throw new Error(`group ${group} already handles ${type}`);
    handlers.set(type, handler as unknown as EventHandler<EventType, unknown>);
    this.groups.set(group, handlers);
  }

  /** Makes the outbox a source. In embedded mode every service does this before any consumes. */
  async startPublishing(): Promise<void> {
    const { service, database, publishes, transport } = this.options;
    if (publishes.length) await transport.addPublisher({ service, url: database.url, pool: database.pool, publishes });
  }

  async startConsuming(): Promise<void> {
    this.consuming = true;
    const { service, database, transport, logger, metrics, maxAttempts } = this.options;
    for (const [group, handlers] of this.groups) {
      const sink = new GroupConsumer({
        service,
        group,
        db: database.db as unknown as Kysely<KitTables>,
        handlers,
        deadLetters: transport.deadLetters(service, group),
        logger,
        metrics,
        stopping: this.stopping.signal,
        ...(maxAttempts ? { maxAttempts } : {}),
        ...(this.options.legacyPool ? { legacyPool: this.options.legacyPool } : {}),
        cache: this.cache,
      });
      this.running.push(await transport.startConsumer({ service, pool: database.pool, sink, logger }));
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.running.map((r) => r.stop()));
    this.running.length = 0;
  }
}
