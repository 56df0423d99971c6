import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { serviceEvents, type EcBehaviourOptions } from './behaviour-options.ts';
import { ADS_BUSINESS_METHODS, registerAdsBehaviours } from './ads-behaviour.ts';
import { MALL_BUSINESS_METHODS, registerMallBehaviours } from './mall-behaviour.ts';

export type { EcBehaviourOptions };

/**
 * hp_mall's and hp_ads's Python behaviour on a BehaviourRegistry, one odoo/<part>-behaviour.ts
 * per module, each calling domain/. The same rules serve both sides of the cut; only what
 * `options` carries differs. Each part adds its one line here (and one in EC_BUSINESS_METHODS).
 */
export function registerEcBehaviours(behaviours: BehaviourRegistry, options: EcBehaviourOptions): BehaviourRegistry {
  registerMallBehaviours(behaviours, options);
  registerAdsBehaviours(behaviours, options);
  return behaviours;
}

/** Ec's behaviour on the ORM engine over svc_ec: events into its outbox. */
export function registerEcEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerEcBehaviours(behaviours, { events: serviceEvents, side: 'service', engine, ...(engine.callModel ? { callModel: engine.callModel } : {}) });
}

/** Business methods ec provides, per model (the control plane's "methods provided" gate reads this); each part adds its line. */
export const EC_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  ...MALL_BUSINESS_METHODS,
  ...ADS_BUSINESS_METHODS,
};
