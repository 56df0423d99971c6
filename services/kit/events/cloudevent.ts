import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventType } from './event-types.ts';

/** A domain event in CloudEvents 1.0 JSON format (DESIGN §5). */
export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0';
  id: string;
  /** `/ficus/<service>`. */
  source: string;
  type: T;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  /** Distributed-tracing extension: the trace of the request that caused the event. */
  traceparent?: string;
  data: EventDataMap[T];
}

/** What a publisher supplies; the kit fills in id, source, time and the trace. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  data: EventDataMap[T];
  subject?: string;
  /** Defaults to a fresh UUID; pass one to make a retried publish produce the same event. */
  id?: string;
  /** Kafka key: events with the same key keep their order. Defaults to the subject. */
  key?: string;
}

export function toCloudEvent<T extends EventType>(service: string, event: NewEvent<T>, traceparent: string | undefined, now = new Date()): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: event.id ?? randomUUID(),
    source: `/ficus/${service}`,
    type: event.type,
    time: now.toISOString(),
    ...(event.subject ? { subject: event.subject } : {}),
    datacontenttype: 'application/json',
    dataschema: `https://schemas.ficus.dev/events/${event.type}.json`,
    ...(traceparent ? { traceparent } : {}),
    data: event.data,
  };
}

/** Thrown when an event does not match its type's schema; never retried. */
export class InvalidEventError extends Error {
  constructor(readonly eventType: string, readonly violations: { pointer: string; message: string }[]) {
    super(`event ${eventType} does not match schemas/events/${eventType}.json: ${violations.map((v) => `${v.pointer} ${v.message}`).join('; ')}`);
    this.name = 'InvalidEventError';
  }
}
