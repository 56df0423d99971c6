import type { BehaviourRegistry, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { giftOrderBehaviour } from './gift-behaviour.ts';
import { serviceEvents, type EventsOfCall } from './outbox.ts';
import { paymentBehaviour } from './payment-behaviour.ts';
import { pointsTransactionBehaviour } from './points-behaviour.ts';
import { settlementBehaviour } from './settlement-behaviour.ts';

/**
 * hp_payment's, hp_points' and hp_gift's Python behaviour on a BehaviourRegistry, each calling
 * domain/. The same rules serve both sides of the cut; what differs is passed in: where events
 * go (svc_finance's outbox, or nowhere on the monolith) and how a payment reaches the document
 * it pays (`callModel`, the phase-aware dispatch clients' calls take).
 */
export function registerFinanceBehaviours(behaviours: BehaviourRegistry, options: { events: EventsOfCall; callModel?: ModelCaller }): BehaviourRegistry {
  behaviours.register('hp.payment', paymentBehaviour(behaviours, options));
  behaviours.register('hp.settlement', settlementBehaviour(behaviours));
  behaviours.register('hp.points.transaction', pointsTransactionBehaviour(options));
  behaviours.register('hp.gift.order', giftOrderBehaviour(options));
  return behaviours;
}

/** Finance's behaviour on the ORM engine over svc_finance: events into finance's outbox, paid documents through the engine's model caller. */
export function registerFinanceEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  return registerFinanceBehaviours(behaviours, { events: serviceEvents, ...(engine.callModel ? { callModel: engine.callModel } : {}) });
}

/** Business methods finance provides, per model (the control plane's "methods provided" gate reads this). */
export const FINANCE_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.payment': ['action_succeed', 'action_fail', 'action_refund'],
  'hp.settlement': ['action_confirm', 'action_pay'],
};
