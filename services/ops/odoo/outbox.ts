import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { callEventSink } from '../../kit/index.ts';
import { NO_EVENTS, type OpsEventSink } from '../domain/ops-events.ts';

/**
 * svc_ops's outbox on the engine's connection, inside the call's transaction, exactly as the
 * kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's hp.rating create
 * announces the same service_rated a REST POST does.
 */
export function outboxOfCall(ctx: CallContext): OpsEventSink {
  return callEventSink('ops', ctx.db);
}

/** Which events a side publishes: svc_ops's outbox, or nothing on the monolith (Odoo published nothing for M05, M17, M18). */
export type EventsOfCall = (ctx: CallContext) => OpsEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
