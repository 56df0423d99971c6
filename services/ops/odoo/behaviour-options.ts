import type { ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import type { EventsOfCall } from './outbox.ts';

/**
 * What every part's behaviour (odoo/<part>-behaviour.ts) is given: where its events go (svc_ops's
 * outbox, or nowhere on the monolith), which side of the cut it runs on, and, where a gateway
 * hosts the engine, other models' methods as a client reaches them (the legacy adapters for
 * res.users and hp.service.order). Its own file, so the parts and behaviours.ts, which gathers
 * them, import it without importing each other.
 */
export interface OpsBehaviourOptions {
  events: EventsOfCall;
  side: 'service' | 'legacy';
  callModel?: ModelCaller;
  /** The engine's options on the service side (its pool, logger, metrics), for work after a commit. */
  engine?: ServiceEngineOptions;
}
