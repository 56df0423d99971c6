import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { KitTables } from '../db/kit-tables.ts';
import type { Cache } from '../cache/cache.ts';
import { MemoryCache } from '../cache/memory-cache.ts';
import { InvalidEventError, type CloudEvent } from '../events/cloudevent.ts';
import type { EventType } from '../events/event-types.ts';
import { assertValidEvent } from '../events/validate-event.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { openSpan } from '../../../platform/tracing.ts';
import { runInWorkContext } from '../../../platform/work-context.ts';
import { backoffDelay, sleep } from '../../../platform/backoff.ts';
import { DeliveryTally } from './consumer-tally.ts';
import type { DeadLetterSink } from './dead-letters.ts';
import type { ConsumerSink, EventHandler, IncomingEvent } from './types.ts';

export interface ConsumerOptions {
  service: string;
  group: string;
  db: Kysely<KitTables>;
  handlers: ReadonlyMap<EventType, EventHandler<EventType, unknown>>;
  deadLetters: DeadLetterSink;
  logger: Logger;
  metrics: KitMetrics;
  /** Attempts per event before it is dead-lettered. */
  maxAttempts?: number;
  stopping: AbortSignal;
  /** Handed to handlers (HandlerContext.legacyPool). */
  legacyPool?: import('pg').Pool;
  /** Handed to handlers (HandlerContext.cache); a memory cache private to the group by default. */
  cache?: Cache;
}

type Checked = { ok: true; event: CloudEvent; source: string; payload: string } | { ok: false; reason: string; source: string; payload: string; id: string | null; type: string | null };

/**
 * One consumer group of one service: validates each event, dedupes it by id in the inbox and
 * runs its handler, all in one transaction of the service database. Batches go through in one
 * transaction (one inbox statement for the batch, then the handlers); if any handler fails, the
 * batch is rolled back and replayed one event at a time, so only the failing event is retried
 * (with backoff) and, in the end, dead-lettered. Metrics are recorded only for committed work.
 */
export class GroupConsumer implements ConsumerSink {
  readonly group: string;
  readonly types: ReadonlySet<EventType>;
  private readonly maxAttempts: number;
  private readonly cache: Cache;

  constructor(private readonly options: ConsumerOptions) {
    this.group = options.group;
    this.types = new Set(options.handlers.keys());
    this.maxAttempts = options.maxAttempts ?? 5;
    this.cache = options.cache ?? new MemoryCache(`ficus:${options.service}:`);
  }

  async deliver(events: IncomingEvent[]): Promise<void> {
    if (!events.length) return;
    const checked = events.map((e) => this.check(e));
    const { service, metrics } = this.options;
    try {
      const tally = new DeliveryTally();
      const committed: (() => Promise<void>)[] = [];
      await this.options.db.transaction().execute(async (trx) => {
        await this.handleAll(trx, checked, 0, checked.length, tally, committed);
      });
      tally.record(metrics, service, this.group);
      await this.runAfterCommit(committed);
      return;
    } catch (error) {
      if (this.options.stopping.aborted) throw error;
      this.options.logger.debug({ err: error, group: this.group }, 'batch failed; replaying it one event at a time');
    }
    for (let index = 0; index < checked.length; index++) {
      await this.deliverOne(checked, index);
    }
  }

  private async deliverOne(checked: Checked[], index: number): Promise<void> {
    const item = checked[index]!;
    const { service, metrics } = this.options;
    // Only failures of the event's own handling count toward the dead-letter budget: a deadlock,
    // a serialization failure or a lock wait that ran out says nothing about the event, and an
    // event dead-lettered for one would be lost to its consumer under contention.
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.options.stopping.aborted) throw new Error('consumer stopping');
      const tally = new DeliveryTally();
      const committed: (() => Promise<void>)[] = [];
      try {
        await this.options.db.transaction().execute(async (trx) => {
          if (failures >= this.maxAttempts - 1 && failures > 0 && item.ok) {
            await this.deadLetter(trx, item, attempt, this.lastError, tally);
          } else {
            await this.handleAll(trx, checked, index, index + 1, tally, committed);
          }
        });
        tally.record(metrics, service, this.group);
        await this.runAfterCommit(committed);
        return;
      } catch (error) {
        if (!isTransientDatabaseFailure(error)) failures++;
        this.lastError = describe(error);
        const type = item.ok ? item.event.type : 'invalid';
        metrics.eventsHandled.inc({ service, group: this.group, type, outcome: 'retried' });
        this.options.logger.warn({ err: error, group: this.group, eventId: item.ok ? item.event.id : item.id, attempt }, 'event handling failed; retrying');
        await sleep(backoffDelay(Math.min(attempt, 8) - 1, { baseMs: 50, maxMs: 5_000 }), this.options.stopping);
      }
    }
  }

  private lastError = '';

  /** Work handlers asked for once their transaction committed; a failure is logged, the events stay handled. */
  private async runAfterCommit(work: (() => Promise<void>)[]): Promise<void> {
    for (const step of work) {
      await step().catch((error: unknown) => this.options.logger.warn({ err: error, group: this.group }, 'after-commit work of an event handler failed'));
    }
  }

  /** Inbox first (one statement for the slice), then the handlers of the events that were new. */
  private async handleAll(trx: Transaction<KitTables>, checked: Checked[], from: number, to: number, tally: DeliveryTally, committed: (() => Promise<void>)[]): Promise<void> {
    const valid: CloudEvent[] = [];
    for (let i = from; i < to; i++) {
      const item = checked[i]!;
      if (item.ok) valid.push(item.event);
      else await this.deadLetter(trx, item, 1, item.reason, tally);
    }
    if (!valid.length) return;
    const { rows } = await sql<{ event_id: string }>`
      INSERT INTO inbox (consumer_group, event_id, event_type)
      SELECT ${this.group}, id, type FROM unnest(${valid.map((e) => e.id)}::text[], ${valid.map((e) => e.type)}::text[]) AS e(id, type)
      ON CONFLICT DO NOTHING RETURNING event_id`.execute(trx);
    const fresh = new Set(rows.map((r) => r.event_id));
    for (const event of valid) {
      if (!fresh.delete(event.id)) {
        tally.count(event.type, 'duplicate');
        continue;
      }
      const handler = this.options.handlers.get(event.type)!;
      // A CONSUMER span per event, child of the span that published it (its CloudEvent's traceparent).
      const span = openSpan(`${event.type} process`, {
        role: 'consumer', scope: `ficus.${this.group}`, parent: event.traceparent ?? null,
        attributes: { 'messaging.operation.type': 'process', 'messaging.destination.name': event.type, 'messaging.consumer.group.name': this.group, 'messaging.message.id': event.id },
      });
      const { trace } = span;
      // A pino child logger (with redaction) per event costs more CPU than a typical handler's
      // SQL round trip; it is made only when the handler, or code it calls, actually logs.
      const parent = this.options.logger;
      const group = this.group;
      let log: Logger | undefined;
      const eventLog = () => (log ??= parent.child({ group, eventId: event.id, eventType: event.type, traceId: trace.traceId }));
      const context = { trace, get log() { return eventLog(); } };
      const { cache } = this;
      const legacyPool = this.options.legacyPool ?? null;
      const afterCommit = (work: () => Promise<void>) => void committed.push(work);
      const database = this.options.db as Kysely<any>;
      try {
        await runInWorkContext(context, () => handler(event, { db: trx as Transaction<any>, get log() { return eventLog(); }, legacyPool, afterCommit, cache, database }));
        span.end();
      } catch (error) {
        span.end(error);
        throw error;
      }
      tally.count(event.type, 'handled');
      tally.latency(event.type, event.time);
    }
  }

  private async deadLetter(trx: Transaction<KitTables>, item: Checked, attempts: number, reason: string, tally: DeliveryTally): Promise<void> {
    const id = item.ok ? item.event.id : item.id;
    const type = item.ok ? item.event.type : item.type;
    if (id !== null) {
      const { rows } = await sql<{ event_id: string }>`INSERT INTO inbox (consumer_group, event_id, event_type, outcome)
        VALUES (${this.group}, ${id}, ${type ?? 'unknown'}, 'dead_lettered') ON CONFLICT DO NOTHING RETURNING event_id`.execute(trx);
      if (!rows.length) return; // already handled or dead-lettered before
    }
    await this.options.deadLetters.record(trx, { group: this.group, eventId: id, eventType: type, source: item.source, payload: item.payload, reason, attempts });
    tally.deadLetter(type ?? 'unknown');
    this.options.logger.error({ group: this.group, eventId: id, eventType: type, reason, attempts }, 'event dead-lettered');
  }

  private check({ raw, source }: IncomingEvent): Checked {
    const payload = typeof raw === 'string' ? raw : JSON.stringify(raw);
    let value: unknown = raw;
    try {
      // Debezium's outbox router hands a jsonb payload over as a JSON string.
      if (typeof value === 'string') value = JSON.parse(value);
      assertValidEvent(value);
      if (!this.types.has(value.type)) throw new InvalidEventError(value.type, [{ pointer: '/type', message: `has no handler in group ${this.group}` }]);
      return { ok: true, event: value, source, payload };
    } catch (error) {
      const v = value as { id?: unknown; type?: unknown } | null;
      return {
        ok: false,
        reason: `invalid event: ${describe(error)}`,
        source,
        payload,
        id: typeof v?.id === 'string' ? v.id : null,
        type: typeof v?.type === 'string' ? v.type : null,
      };
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * PostgreSQL's "try again" answers: serialization failure and deadlock (class 40), a lock wait
 * over lock_timeout (55P03), or the connection going away (class 08). Retrying is their cure.
 */
function isTransientDatabaseFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('40') || code === '55P03' || code.startsWith('08'));
}
