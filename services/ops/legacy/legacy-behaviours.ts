import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { registerOpsBehaviours } from '../odoo/behaviours.ts';
import { legacyEvents } from '../odoo/outbox.ts';

/**
 * What the legacy side's engine needs to answer M05, M17 and M18 like the monolith (before their
 * cutover, or after a rollback; embedded mode, no upstream Odoo): the same domain rules over the
 * monolith's tables, publishing nothing (Odoo has no outbox and published nothing for these
 * modules). hp_growth's stored res.users.coach_rating_avg stays with the legacy addons
 * (migration/legacy-addons/hp-growth.ts), which recompute it there as Odoo does.
 */
export function registerLegacyOpsBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerOpsBehaviours(behaviours, { events: legacyEvents, side: 'legacy', ...(ports?.callModel ? { callModel: ports.callModel } : {}) });
}
