import { sql, type Kysely } from 'kysely';
import { toCloudEvent, type CloudEvent, type NewEvent } from '../events/cloudevent.ts';
import type { EventType } from '../events/event-types.ts';
import { assertValidEvent } from '../events/validate-event.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { currentTraceparent } from '../observability/work-context.ts';

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
    const traceparent = currentTraceparent();
    const now = new Date();
    const cloudEvents = events.map((event) => {
      if (!this.publishes.has(event.type)) {
        throw new Error(`service ${this.service} does not declare that it publishes ${event.type} (add it to events.ts)`);
      }
      const cloudEvent = toCloudEvent(this.service, event, traceparent, now);
      assertValidEvent(cloudEvent);
      return cloudEvent;
    });
    const ids = cloudEvents.map((e) => e.id);
    const types = cloudEvents.map((e) => e.type);
    const keys = events.map((e, i) => e.key ?? e.subject ?? cloudEvents[i]!.id);
    const payloads = cloudEvents.map((e) => JSON.stringify(e));
    await sql`INSERT INTO outbox (id, type, aggregate_id, payload)
      SELECT id, type, key, payload::jsonb FROM unnest(${ids}::text[], ${types}::text[], ${keys}::text[], ${payloads}::text[]) WITH ORDINALITY AS e(id, type, key, payload, n)
      ORDER BY n`.execute(tx);
    for (const e of cloudEvents) this.metrics.eventsPublished.inc({ service: this.service, type: e.type });
    return cloudEvents;
  }
}
