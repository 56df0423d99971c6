import { toCloudEvent, type CloudEvent, type NewEvent } from '../events/cloudevent.ts';
import { assertValidEvent } from '../events/validate-event.ts';
import { currentTraceparent } from '../observability/work-context.ts';

/** The outbox insert of a batch of events, in their order (parameters: ids, types, keys, payloads). */
export const OUTBOX_INSERT = `INSERT INTO outbox (id, type, aggregate_id, payload)
  SELECT id, type, key, payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(id, type, key, payload, n)
  ORDER BY n`;

/** Events as outbox rows: each a CloudEvent of `service` (validated against its schema), keyed by its key, subject or id. */
export function outboxRows(service: string, events: readonly NewEvent[], now = new Date()): { cloudEvents: CloudEvent[]; ids: string[]; types: string[]; keys: string[]; payloads: string[] } {
  const traceparent = currentTraceparent();
  const cloudEvents = events.map((event) => {
    const cloudEvent = toCloudEvent(service, event, traceparent, now);
    assertValidEvent(cloudEvent);
    return cloudEvent;
  });
  return {
    cloudEvents,
    ids: cloudEvents.map((e) => e.id),
    types: cloudEvents.map((e) => e.type),
    keys: events.map((e, i) => e.key ?? e.subject ?? cloudEvents[i]!.id),
    payloads: cloudEvents.map((e) => JSON.stringify(e)),
  };
}
