import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { legacyEvents } from '../odoo/behaviour-options.ts';
import { registerContentBehaviours } from '../odoo/behaviours.ts';

/**
 * What the legacy side's engine needs to answer M06, M11 and M12 like the monolith (before their
 * cutover, or after a rollback; embedded mode, no upstream Odoo): the same domain rules over the
 * monolith's tables, publishing nothing, as Odoo did. migration/legacy-addons/ never carried
 * hp_knowledge, hp_community or hp_qa: this is the one copy of each rule, here and in domain/.
 */
export function registerLegacyContentBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerContentBehaviours(behaviours, { events: legacyEvents, side: 'legacy', ...(ports?.callModel ? { callModel: ports.callModel } : {}) });
}
