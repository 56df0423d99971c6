import { CompiledQuery, type Kysely } from 'kysely';
import type { CloudEvent, NewEvent } from '../events/cloudevent.ts';
import type { EventType } from '../events/event-types.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { OUTBOX_INSERT, outboxRows } from './outbox-rows.ts';

export class OutboxWriter {
  constructor(
    private readonly service: string,
    private readonly publishes: ReadonlySet<EventType>,
    private readonly metrics: KitMetrics,
  ) {}

  /**
   * Validates and writes events to the outbox in the caller's transaction, so they exist exactly
   * when the change does. A plain Kysely instance is refused: an event written outside the
   * change's transaction could describe a change that then rolled back.
   */
  async write(tx: Kysely<any>, events: NewEvent[]): Promise<CloudEvent[]> {
    if (!tx.isTransaction) throw new Error('bus.publish needs the transaction of the change (db.transaction().execute(tx => ...))');
    if (!events.length) return [];
    for (const event of events) {
      if (!this.publishes.has(event.type)) {
        throw new Error(`service ${this.service} does not declare that it publishes ${event.type} (add it to events.ts)`);
      }
    }
    const { cloudEvents, ids, types, keys, payloads } = outboxRows(this.service, events);
    await tx.executeQuery(CompiledQuery.raw(OUTBOX_INSERT, [ids, types, keys, payloads]));
    for (const e of cloudEvents) this.metrics.eventsPublished.inc({ service: this.service, type: e.type });
    return cloudEvents;
  }
}
