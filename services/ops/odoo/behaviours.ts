import type { BehaviourRegistry, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { GROWTH_BUSINESS_METHODS, registerGrowthBehaviours } from './growth-behaviour.ts';
import { RISK_BUSINESS_METHODS, registerRiskBehaviours } from './risk-behaviour.ts';
import { serviceEvents, type EventsOfCall } from './outbox.ts';

/**
 * What every part's behaviour is given: where its events go (svc_ops's outbox, or nowhere on the
 * monolith), which side of the cut it runs on, and, where a gateway hosts the engine, other
 * models' methods as a client reaches them (the legacy adapters for res.users, hp.service.order).
 */
export interface OpsBehaviourOptions {
  events: EventsOfCall;
  side: 'service' | 'legacy';
  callModel?: ModelCaller;
  /** The engine's options on the service side (its pool, logger, metrics), for work after a commit. */
  engine?: ServiceEngineOptions;
}

/**
 * hp_growth's, hp_operations' and hp_risk's Python behaviour on a BehaviourRegistry, one
 * odoo/<part>-behaviour.ts per module, each calling domain/. The same rules serve both sides of
 * the cut; only what `options` carries differs. Each part adds its one line here.
 */
export function registerOpsBehaviours(behaviours: BehaviourRegistry, options: OpsBehaviourOptions): BehaviourRegistry {
  registerGrowthBehaviours(behaviours, options);
  registerRiskBehaviours(behaviours, options);
  return behaviours;
}

/** Ops's behaviour on the ORM engine over svc_ops: events into its outbox. */
export function registerOpsEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerOpsBehaviours(behaviours, { events: serviceEvents, side: 'service', engine, ...(engine.callModel ? { callModel: engine.callModel } : {}) });
}

/** Business methods ops provides, per model (the control plane's "methods provided" gate reads this); each part adds its line. */
export const OPS_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  ...GROWTH_BUSINESS_METHODS,
  ...RISK_BUSINESS_METHODS,
};
