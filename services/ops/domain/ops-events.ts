import type { NewEvent } from '../../kit/index.ts';

/** The events ops's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type OpsEventType = 'service_rated';

/**
 * Where a use case's events go, given by the edge: svc_ops's outbox in the change's transaction
 * (REST through the bus, Odoo RPC through the engine's connection), or nowhere on the legacy side
 * (the monolith has no outbox and published nothing for M05, M17 or M18).
 */
export interface OpsEventSink {
  publish(events: NewEvent<OpsEventType>[]): Promise<void>;
}

/** The legacy side's sink. */
export const NO_EVENTS: OpsEventSink = { publish: async () => undefined };

/** Odoo datetimes ("2026-11-25 11:46:25", UTC, or a Date from pg) as RFC 3339. */
export function isoUtc(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return value.includes('T') ? new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString() : new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}
