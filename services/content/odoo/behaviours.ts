import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { serviceEvents, type ContentBehaviourOptions } from './behaviour-options.ts';
import { KNOWLEDGE_BUSINESS_METHODS, registerKnowledgeBehaviours } from './knowledge-behaviour.ts';
import { COMMUNITY_BUSINESS_METHODS, registerCommunityBehaviours } from './community-behaviour.ts';
import { QA_BUSINESS_METHODS, registerQaBehaviours } from './qa-behaviour.ts';

export type { ContentBehaviourOptions };

/**
 * hp_knowledge's, hp_community's and hp_qa's Python behaviour on a BehaviourRegistry, one
 * odoo/<part>-behaviour.ts per module, each calling domain/. The same rules serve both sides of
 * the cut; only what `options` carries differs. Each part adds its one line here (and one in
 * CONTENT_BUSINESS_METHODS).
 */
export function registerContentBehaviours(behaviours: BehaviourRegistry, options: ContentBehaviourOptions): BehaviourRegistry {
  registerKnowledgeBehaviours(behaviours, options);
  registerCommunityBehaviours(behaviours, options);
  registerQaBehaviours(behaviours, options);
  return behaviours;
}

/** Content's behaviour on the ORM engine over svc_content: events into its outbox. */
export function registerContentEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerContentBehaviours(behaviours, { events: serviceEvents, side: 'service', engine, ...(engine.callModel ? { callModel: engine.callModel } : {}) });
}

/** Business methods content provides, per model (the control plane's "methods provided" gate reads this); each part adds its line. */
export const CONTENT_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  ...KNOWLEDGE_BUSINESS_METHODS,
  ...COMMUNITY_BUSINESS_METHODS,
  ...QA_BUSINESS_METHODS,
};
