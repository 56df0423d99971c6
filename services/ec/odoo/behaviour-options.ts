import type { CallContext, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import type { AcrossTheCut } from './mall-settlement.ts';
import { callEventSink, NO_EVENTS, type EventSink, type EventType, type ServiceEngineOptions } from '../../kit/index.ts';

/** The events ec publishes from Odoo calls (product_purchased, inventory_updated, ad_clicked). */
export type EcEventType = Extract<EventType, 'product_purchased' | 'inventory_updated' | 'ad_clicked'>;

/** Where a call's events go: svc_ec's outbox in the call's transaction, or nowhere on the monolith. */
export type EventsOfCall = (ctx: CallContext) => EventSink<EcEventType>;

/** svc_ec's outbox on the engine's connection, validated and keyed as the bus's OutboxWriter writes it. */
export const serviceEvents: EventsOfCall = (ctx) => callEventSink('ec', ctx.db);
/** The monolith published nothing for M09 and M10. */
export const legacyEvents: EventsOfCall = () => NO_EVENTS;

/**
 * What every part's behaviour (odoo/<part>-behaviour.ts) is given: where its events go, which
 * side of the cut it runs on (the service side adds ec's stock reservations and events; the
 * legacy side answers exactly as the monolith), and, where a gateway hosts the engine, other
 * models' methods as a client reaches them. Its own file, so the parts and behaviours.ts, which
 * gathers them, import it without importing each other.
 */
export interface EcBehaviourOptions {
  events: EventsOfCall;
  side: 'service' | 'legacy';
  callModel?: ModelCaller;
  /** The engine's options on the service side (its pool, the monolith's pool, logger, metrics). */
  engine?: ServiceEngineOptions;
  /** The legacy side's svc_ec (reservation ledger) and monolith (inventory rows), where a gateway hosts the engine: a cancel, delivery or line change there ends ec's reservations. */
  acrossTheCut?: AcrossTheCut;
}
