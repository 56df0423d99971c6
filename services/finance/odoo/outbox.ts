import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { callEventSink } from '../../kit/index.ts';
import { NO_EVENTS, type FinanceEventSink } from '../domain/finance-events.ts';

/**
 * Finance's outbox on the engine's connection, inside the call's transaction, exactly as the
 * kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's action_succeed
 * publishes the same payment_success a REST call does.
 */
export function outboxOfCall(ctx: CallContext): FinanceEventSink {
  return callEventSink('finance', ctx.db);
}

/** Which events a side publishes: svc_finance's outbox, or nothing on the monolith (Odoo published nothing). */
export type EventsOfCall = (ctx: CallContext) => FinanceEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
