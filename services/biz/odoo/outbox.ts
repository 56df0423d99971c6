import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { callEventSink } from '../../kit/index.ts';
import { NO_EVENTS, type BizEventSink } from '../domain/biz-events.ts';

/**
 * svc_biz's outbox on the engine's connection, inside the call's transaction, exactly as the
 * kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's create of a community
 * group announces the same community_created a REST POST does.
 */
export function outboxOfCall(ctx: CallContext): BizEventSink {
  return callEventSink('biz', ctx.db);
}

/** Which events a side publishes: svc_biz's outbox, or nothing on the monolith (Odoo published nothing for M03, M07, M08). */
export type EventsOfCall = (ctx: CallContext) => BizEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
