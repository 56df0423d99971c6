import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { registerBizBehaviours } from '../odoo/behaviours.ts';
import { legacyEvents } from '../odoo/outbox.ts';

/**
 * What the legacy side's engine needs to answer M03, M07 and M08 like the monolith (before their
 * cutover, or after a rollback; embedded mode, no upstream Odoo): the same domain rules over the
 * monolith's tables (member_count, action_leave/action_ban, action_go_live/action_end), publishing
 * nothing (Odoo has no outbox and published nothing for these modules).
 */
export function registerLegacyBizBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerBizBehaviours(behaviours, { events: legacyEvents, ...(ports?.callModel ? { callModel: ports.callModel } : {}) });
}
