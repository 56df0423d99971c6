import type { BehaviourRegistry, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { LIVE_BUSINESS_METHODS, liveStreamBehaviour } from './live-behaviour.ts';
import { COMMUNITY_BUSINESS_METHODS, registerCommunityBehaviours } from './community-behaviour.ts';
import { serviceEvents, type EventsOfCall } from './outbox.ts';

/**
 * What every part's behaviour is given: where its events go (svc_biz's outbox, or nowhere on the
 * monolith) and, where a gateway hosts the engine, other models' methods as a client reaches them.
 */
export interface BizBehaviourOptions {
  events: EventsOfCall;
  callModel?: ModelCaller;
}

/**
 * hp_workbench's, hp_live's and hp_community_biz's Python behaviour on a BehaviourRegistry, one
 * odoo/<part>-behaviour.ts per model family, each calling domain/. The same rules serve both
 * sides of the cut; only what `options` carries differs. Each part adds its one line here.
 */
export function registerBizBehaviours(behaviours: BehaviourRegistry, options: BizBehaviourOptions): BehaviourRegistry {
  behaviours.register('hp.live.stream', liveStreamBehaviour(behaviours, options));
  registerCommunityBehaviours(behaviours, options);
  return behaviours;
}

/** Biz's behaviour on the ORM engine over svc_biz: events into its outbox. */
export function registerBizEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerBizBehaviours(behaviours, { events: serviceEvents, ...(engine.callModel ? { callModel: engine.callModel } : {}) });
}

/** Business methods biz provides, per model (the control plane's "methods provided" gate reads this); each part adds its line. */
export const BIZ_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  ...LIVE_BUSINESS_METHODS,
  ...COMMUNITY_BUSINESS_METHODS,
};
