import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { AI_TASK_BUSINESS_METHODS, registerAiTaskBehaviours } from './ai-behaviour.ts';

/** Which side of the cut the behaviour runs on (the parts may differ in what they publish or reach). */
export interface AiBehaviourOptions {
  side: 'service' | 'legacy';
  /** The engine's options on the service side (its pool, logger, metrics). */
  engine?: ServiceEngineOptions;
}

/**
 * hp_ai's Python behaviour on a BehaviourRegistry, one odoo/<part>-behaviour.ts per part, each
 * calling domain/. The same rules serve both sides of the cut. Each part adds its one line here.
 */
export function registerAiBehaviours(behaviours: BehaviourRegistry, _options: AiBehaviourOptions): BehaviourRegistry {
  registerAiTaskBehaviours(behaviours);
  return behaviours;
}

/** Ai's behaviour on the ORM engine over svc_ai. */
export function registerAiEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerAiBehaviours(behaviours, { side: 'service', engine });
}

/** Business methods ai provides, per model (the control plane's "methods provided" gate reads this); each part adds its line. */
export const AI_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  ...AI_TASK_BUSINESS_METHODS,
};
