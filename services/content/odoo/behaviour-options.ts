import type { CallContext, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { callEventSink, NO_EVENTS, type EventSink, type EventType, type ServiceEngineOptions } from '../../kit/index.ts';

/** The events content publishes from Odoo calls and REST requests (events.ts says when). */
export type ContentEventType = Extract<EventType, 'content_published' | 'content_purchased' | 'post_liked' | 'question_answered'>;

/** Where a call's events go: svc_content's outbox in the call's transaction, or nowhere on the monolith. */
export type EventsOfCall = (ctx: CallContext) => EventSink<ContentEventType>;

/** svc_content's outbox on the engine's connection, validated and keyed as the bus's OutboxWriter writes it. */
export const serviceEvents: EventsOfCall = (ctx) => callEventSink('content', ctx.db);
/** The monolith published nothing for M06, M11 and M12. */
export const legacyEvents: EventsOfCall = () => NO_EVENTS;

/**
 * What every part's behaviour (odoo/<part>-behaviour.ts) is given: where its events go, which
 * side of the cut it runs on (the service side publishes; the legacy side answers exactly as the
 * monolith), and, where a gateway hosts the engine, other models' methods as a client reaches
 * them. Its own file, so the parts and behaviours.ts, which gathers them, import it without
 * importing each other.
 */
export interface ContentBehaviourOptions {
  events: EventsOfCall;
  side: 'service' | 'legacy';
  callModel?: ModelCaller;
  /** The engine's options on the service side (its pool, the monolith's pool, logger, metrics). */
  engine?: ServiceEngineOptions;
}
