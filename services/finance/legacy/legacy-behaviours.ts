import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { registerFinanceBehaviours } from '../odoo/behaviours.ts';
import { legacyEvents } from '../odoo/outbox.ts';

/**
 * What the legacy side's engine needs to answer M13, M14 and M15 like the monolith (before
 * cutover, or after a rollback; embedded mode, no upstream Odoo): the same domain rules over the
 * monolith's tables, publishing nothing (Odoo has no outbox). A payment reaches the document it
 * pays through `ports.callModel`, the dispatch clients' calls take, so a service order that
 * moved to trade is marked paid there. This took over migration/legacy-addons' hp_payment and
 * trade's registration of hp_points' ledger rules.
 */
export function registerLegacyFinanceBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerFinanceBehaviours(behaviours, { events: legacyEvents, ...(ports?.callModel ? { callModel: ports.callModel } : {}) });
}
