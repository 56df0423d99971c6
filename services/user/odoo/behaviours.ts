import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { assessmentBehaviour } from './assessment-behaviour.ts';
import { goalBehaviour } from './goal-behaviour.ts';
import { serviceEvents, type EventsOfCall } from './outbox.ts';

/**
 * hp_personal's Python behaviour on a BehaviourRegistry, each calling domain/. The same rules
 * serve both sides of the cut; only where events go differs (svc_user's outbox, or nowhere on
 * the monolith). hp.health.record and hp.device.binding have no Python beyond field defaults,
 * which the engine takes from the sources.
 */
export function registerUserBehaviours(behaviours: BehaviourRegistry, options: { events: EventsOfCall }): BehaviourRegistry {
  behaviours.register('hp.health.goal', goalBehaviour(behaviours, options));
  behaviours.register('hp.assessment', assessmentBehaviour());
  return behaviours;
}

/** The user service's behaviour on the ORM engine over svc_user: events into its outbox. */
export function registerUserEngineBehaviours(behaviours: BehaviourRegistry, _engine: ServiceEngineOptions): BehaviourRegistry {
  return registerUserBehaviours(behaviours, { events: serviceEvents });
}

/** Business methods the user service provides, per model (the control plane's "methods provided" gate reads this). */
export const USER_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.health.goal': ['action_record_progress', 'action_abandon'],
};
