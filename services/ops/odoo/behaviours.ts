import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { GROWTH_BUSINESS_METHODS, registerGrowthBehaviours } from './growth-behaviour.ts';
import { OPERATIONS_BUSINESS_METHODS, registerOperationsBehaviours } from './operations-behaviour.ts';
import { RISK_BUSINESS_METHODS, registerRiskBehaviours } from './risk-behaviour.ts';
import type { OpsBehaviourOptions } from './behaviour-options.ts';
import { serviceEvents } from './outbox.ts';

export type { OpsBehaviourOptions };

/**
 * hp_growth's, hp_operations' and hp_risk's Python behaviour on a BehaviourRegistry, one
 * odoo/<part>-behaviour.ts per module, each calling domain/. The same rules serve both sides of
 * the cut; only what `options` carries differs. Each part adds its one line here.
 */
export function registerOpsBehaviours(behaviours: BehaviourRegistry, options: OpsBehaviourOptions): BehaviourRegistry {
  registerGrowthBehaviours(behaviours, options);
  registerOperationsBehaviours(behaviours);
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
  ...OPERATIONS_BUSINESS_METHODS,
  ...RISK_BUSINESS_METHODS,
};
