import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { assertValidEvent, currentTraceparent, toCloudEvent } from '../../kit/index.ts';
import { NO_EVENTS, type BizEventSink } from '../domain/biz-events.ts';

/**
 * svc_biz's outbox on the engine's connection, inside the call's transaction, exactly as the
 * kit's OutboxWriter does for REST (validated, keyed), so an Odoo client's create of a community
 * group announces the same community_created a REST POST does.
 */
export function outboxOfCall(ctx: CallContext): BizEventSink {
  return {
    async publish(events) {
      for (const event of events) {
        const cloudEvent = toCloudEvent('biz', event, currentTraceparent());
        assertValidEvent(cloudEvent);
        await ctx.db.query('INSERT INTO outbox (id, type, aggregate_id, payload) VALUES ($1, $2, $3, $4::jsonb)', [cloudEvent.id, cloudEvent.type, event.key ?? event.subject ?? cloudEvent.id, JSON.stringify(cloudEvent)]);
      }
    },
  };
}

/** Which events a side publishes: svc_biz's outbox, or nothing on the monolith (Odoo published nothing for M03, M07, M08). */
export type EventsOfCall = (ctx: CallContext) => BizEventSink;

export const serviceEvents: EventsOfCall = outboxOfCall;
export const legacyEvents: EventsOfCall = () => NO_EVENTS;
