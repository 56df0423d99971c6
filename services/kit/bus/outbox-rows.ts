import { toCloudEvent, type CloudEvent, type NewEvent } from '../events/cloudevent.ts';
import { assertValidEvent } from '../events/validate-event.ts';
import { openSpan, tracingEnabled, type WorkSpan } from '../../../platform/tracing.ts';
import { currentTraceparent } from '../../../platform/work-context.ts';
import { formatTraceparent } from '../../../platform/trace-context.ts';

/** The outbox insert of a batch of events, in their order (parameters: ids, types, keys, payloads). */
export const OUTBOX_INSERT = `INSERT INTO outbox (id, type, aggregate_id, payload)
  SELECT id, type, key, payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(id, type, key, payload, n)
  ORDER BY n`;

/** Events as outbox rows: each a CloudEvent of `service` (validated against its schema), keyed by its key, subject or id. */
export function outboxRows(service: string, events: readonly NewEvent[], now = new Date()): { cloudEvents: CloudEvent[]; ids: string[]; types: string[]; keys: string[]; payloads: string[] } {
  // With tracing on, one PRODUCER span per batch under the unit of work publishing it (its
  // consumers' spans hang under it); off, the events carry that unit's own context, as always.
  const span = tracingEnabled() ? publishSpan(service, events) : undefined;
  const traceparent = span ? formatTraceparent(span.trace) : currentTraceparent();
  let cloudEvents: CloudEvent[];
  try {
    cloudEvents = events.map((event) => {
      const cloudEvent = toCloudEvent(service, event, traceparent, now);
      assertValidEvent(cloudEvent);
      return cloudEvent;
    });
  } catch (error) {
    span?.end(error);
    throw error;
  }
  span?.end();
  return {
    cloudEvents,
    ids: cloudEvents.map((e) => e.id),
    types: cloudEvents.map((e) => e.type),
    keys: events.map((e, i) => e.key ?? e.subject ?? cloudEvents[i]!.id),
    payloads: cloudEvents.map((e) => JSON.stringify(e)),
  };
}

function publishSpan(service: string, events: readonly NewEvent[]): WorkSpan {
  const types = [...new Set(events.map((e) => e.type))];
  return openSpan(`${types.length === 1 ? types[0] : 'events'} publish`, {
    role: 'producer', scope: `ficus.${service}`,
    attributes: { 'messaging.operation.type': 'create', 'messaging.batch.message_count': events.length, 'messaging.destination.name': types.join(',') },
  });
}
