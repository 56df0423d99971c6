import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { callEventSink } from '../../kit/index.ts';
import { NO_EVENTS, type UserEventSink } from '../domain/user-events.ts';

/**
 * The user service's outbox on the engine's connection, inside the call's transaction, exactly
 * as the kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's
 * action_record_progress announces the same goal_achieved a REST health action does.
 */
export function outboxOfCall(ctx: CallContext): UserEventSink {
  return callEventSink('user', ctx.db);
}

/** Which events a side publishes: svc_user's outbox, or nothing on the monolith (Odoo's `_hp_on_goal_achieved` hook does nothing). */
export type EventsOfCall = (ctx: CallContext) => UserEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
