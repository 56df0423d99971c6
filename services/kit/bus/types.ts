import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { CloudEvent, NewEvent } from '../events/cloudevent.ts';
import type { EventType } from '../events/event-types.ts';
import type { KitTables } from '../db/kit-tables.ts';
import type { Cache } from '../cache/cache.ts';

export interface HandlerContext<DB> {
  /** The transaction that also records the event in the inbox: effects and dedupe commit together. */
  db: Transaction<DB & KitTables>;
  log: Logger;
  /**
   * The monolith's database, for handlers whose effects belong on the legacy side while the
   * module is still Odoo's (as RouteContext.legacyPool); null when none is configured.
   */
  legacyPool: import('pg').Pool | null;
  /** Runs after the transaction committed (e.g. invalidate a cache); never if it rolled back. */
  afterCommit(work: () => Promise<void>): void;
  /** The service's cache (RouteContext.cache); a memory cache private to the bus when none was given. */
  cache: Cache;
  /**
   * The service database outside the handling transaction, for after-commit work that needs its
   * own transaction (e.g. a projection that coalesces the facts of many events); absent where a
   * handler is called directly.
   */
  database?: Kysely<DB & KitTables>;
}

export type EventHandler<T extends EventType, DB> = (event: CloudEvent<T>, ctx: HandlerContext<DB>) => Promise<void>;

/**
 * The bus as a service sees it, the same in embedded and Kafka mode (DESIGN §4): the transport
 * is chosen by configuration when the runtime builds the bus, never by the service.
 */
export interface Bus<DB = unknown> {
  /** Writes the event to this service's outbox inside `tx`, the transaction of the change. */
  publish<T extends EventType>(tx: Kysely<any>, event: NewEvent<T>): Promise<CloudEvent<T>>;
  /** Several events in one statement (same rules as publish). */
  publishMany(tx: Kysely<any>, events: NewEvent[]): Promise<CloudEvent[]>;
  /**
   * Handles every event of `type` once per `group`. Events with the same key (NewEvent.key,
   * by default the subject) from one publishing service are handled in the order published;
   * events with different keys may be handled concurrently, in both modes (Kafka partitions).
   */
  subscribe<T extends EventType>(type: T, group: string, handler: EventHandler<T, DB>): void;
}

/** One raw message off the transport: parsed JSON or whatever arrived, and where it came from. */
export interface IncomingEvent {
  raw: unknown;
  source: string;
}

/** How a transport hands its messages to a consumer group of a service. */
export interface ConsumerSink {
  readonly group: string;
  readonly types: ReadonlySet<EventType>;
  /**
   * Handles the events in order, each exactly once per group. Resolves when every event is
   * handled or dead-lettered (so the transport may move past them); rejects only when stopping.
   */
  deliver(events: IncomingEvent[]): Promise<void>;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

/** Moves events from outboxes to consumer groups: embedded (PostgreSQL) or Kafka (Debezium). */
export interface BusTransport {
  readonly kind: 'embedded' | 'kafka';
  /** Makes this service's outbox a source of events. */
  addPublisher(publisher: { service: string; url: string; pool?: import('pg').Pool; publishes: readonly EventType[] }): Promise<void>;
  /** Where a consumer group's dead letters go. */
  deadLetters(service: string, group: string): import('./dead-letters.ts').DeadLetterSink;
  startConsumer(consumer: { service: string; pool: import('pg').Pool; sink: ConsumerSink; logger: Logger }): Promise<RunningConsumer>;
  close(): Promise<void>;
}
