import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { registerUserBehaviours } from '../odoo/behaviours.ts';
import { legacyEvents } from '../odoo/outbox.ts';

/**
 * What the legacy side's engine needs to answer M02 like the monolith (before cutover, or after
 * a rollback; embedded mode, no upstream Odoo): the same domain rules over the monolith's tables
 * (progress, risk_level, action_record_progress, action_abandon), publishing nothing (Odoo has no
 * outbox, and hp_personal's `_hp_on_goal_achieved` hook did nothing). This took over
 * migration/legacy-addons' hp_personal.
 */
export function registerLegacyUserBehaviours(behaviours: BehaviourRegistry, _ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerUserBehaviours(behaviours, { events: legacyEvents });
}
