import type { BehaviourRegistry, ModelBehaviour } from '../../../odoo-bridge/orm/index.ts';
import { SERVICE_ORDER_METHOD_NAMES } from './service-order-methods.ts';
import { appointmentBehaviour } from './appointment-behaviour.ts';
import { healthServiceBehaviour, matchingRuleBehaviour } from './catalogue-behaviour.ts';
import { grabOrderBehaviour } from './grab-behaviour.ts';
import { serviceOrderBehaviour } from './service-order-behaviour.ts';
import type { OrderSideEffects } from './side-effects.ts';
import { healthServiceUnlinkRule, serviceOrderUnlinkRule } from './unlink-rules.ts';

/**
 * hp_marketplace's and hp_grab's Python behaviour on a BehaviourRegistry. The same rules serve
 * both sides; what differs is passed in: the side effects (legacy: the points ledger in the
 * same database; trade: outbox events and the legacy adapter) and, on trade's database, where
 * order names are drawn from.
 */
export function registerTradeBehaviours(
  behaviours: BehaviourRegistry,
  options: { effects: OrderSideEffects; withoutForeignKeys?: boolean; nextOrderName?: NonNullable<ModelBehaviour['nextByCode']> },
): BehaviourRegistry {
  behaviours.register('hp.health.service', healthServiceBehaviour);
  behaviours.register('hp.service.order', serviceOrderBehaviour(options.effects, behaviours));
  if (options.nextOrderName) behaviours.register('hp.service.order', { nextByCode: options.nextOrderName });
  if (options.withoutForeignKeys) {
    behaviours.register('hp.health.service', healthServiceUnlinkRule);
    behaviours.register('hp.service.order', serviceOrderUnlinkRule);
  }
  behaviours.register('hp.appointment', appointmentBehaviour);
  behaviours.register('hp.grab.order', grabOrderBehaviour(options.effects, behaviours));
  behaviours.register('hp.matching.rule', matchingRuleBehaviour);
  return behaviours;
}

/** Business methods trade provides, per model (the control plane's "methods provided" gate reads this). */
export const TRADE_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.service.order': SERVICE_ORDER_METHOD_NAMES,
  'hp.grab.order': ['action_decide', 'action_expire'],
};
