import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { registerAiBehaviours } from '../odoo/behaviours.ts';

/**
 * What the legacy side's engine needs to answer M16 like the monolith (before its cutover, or
 * after a rollback; embedded mode, no upstream Odoo): the same domain rules over the monolith's
 * tables (hp_ai published nothing, so nothing is published here either).
 */
export function registerLegacyAiBehaviours(behaviours: BehaviourRegistry, _ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerAiBehaviours(behaviours, { side: 'legacy' });
}
