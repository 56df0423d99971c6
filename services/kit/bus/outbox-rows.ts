import { toCloudEvent, type CloudEvent, type NewEvent } from '../events/cloudevent.ts';
import { assertValidEvent } from '../events/validate-event.ts';
import { openSpan } from '../../../platform/tracing.ts';
import { formatTraceparent } from '../../../platform/trace-context.ts';

/** The outbox insert of a batch of events, in their order (parameters: ids, types, keys, payloads). */
export const OUTBOX_INSERT = `INSERT INTO outbox (id, type, aggregate_id, payload)
  SELECT id, type, key, payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(id, type, key, payload, n)
  ORDER BY n`;

/** Events as outbox rows: each a CloudEvent of `service` (validated against its schema), keyed by its key, subject or id. */
export function outboxRows(service: string, events: readonly NewEvent[], now = new Date()): { cloudEvents: CloudEvent[]; ids: string[]; types: string[]; keys: string[]; payloads: string[] } {
  // One PRODUCER span per batch, child of the unit of work publishing it: its consumers' spans hang under it.
  const types = [...new Set(events.map((e) => e.type))];
  const span = openSpan(`${types.length === 1 ? types[0] : 'events'} publish`, {
    role: 'producer', scope: `ficus.${service}`,
    attributes: { 'messaging.operation.type': 'create', 'messaging.batch.message_count': events.length, 'messaging.destination.name': types.join(',') },
  });
  const traceparent = formatTraceparent(span.trace);
  let cloudEvents: CloudEvent[];
  try {
    cloudEvents = events.map((event) => {
      const cloudEvent = toCloudEvent(service, event, traceparent, now);
      assertValidEvent(cloudEvent);
      return cloudEvent;
    });
  } catch (error) {
    span.end(error);
    throw error;
  }
  span.end();
  return {
    cloudEvents,
    ids: cloudEvents.map((e) => e.id),
    types: cloudEvents.map((e) => e.type),
    keys: events.map((e, i) => e.key ?? e.subject ?? cloudEvents[i]!.id),
    payloads: cloudEvents.map((e) => JSON.stringify(e)),
  };
}
