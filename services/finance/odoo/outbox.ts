import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { assertValidEvent, currentTraceparent, toCloudEvent } from '../../kit/index.ts';
import { NO_EVENTS, type FinanceEventSink } from '../domain/finance-events.ts';

/**
 * Finance's outbox on the engine's connection, inside the call's transaction, exactly as the
 * kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's action_succeed
 * publishes the same payment_success a REST call does.
 */
export function outboxOfCall(ctx: CallContext): FinanceEventSink {
  return {
    async publish(events) {
      for (const event of events) {
        const cloudEvent = toCloudEvent('finance', event, currentTraceparent());
        assertValidEvent(cloudEvent);
        await ctx.db.query('INSERT INTO outbox (id, type, aggregate_id, payload) VALUES ($1, $2, $3, $4::jsonb)', [cloudEvent.id, cloudEvent.type, event.key ?? event.subject ?? cloudEvent.id, JSON.stringify(cloudEvent)]);
      }
    },
  };
}

/** Which events a side publishes: svc_finance's outbox, or nothing on the monolith (Odoo published nothing). */
export type EventsOfCall = (ctx: CallContext) => FinanceEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
