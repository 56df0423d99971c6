import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { legacyEvents } from '../odoo/behaviour-options.ts';
import { registerEcBehaviours } from '../odoo/behaviours.ts';
import { reservationPool } from '../odoo/mall-settlement.ts';

/**
 * What the legacy side's engine needs to answer M09 and M10 like the monolith (before their
 * cutover, or after a rollback; embedded mode, no upstream Odoo): the same domain rules over the
 * monolith's tables, with no stock reservations and publishing nothing, as Odoo did; but a cancel, delivery or
 * line change there ends what ec reserved in svc_ec's ledger (REST orders, RPC orders placed
 * before a rollback), so no phase strands reserved units. This
 * replaces migration/legacy-addons/hp-mall.ts, which carried hp_mall's state machine for
 * finance's payments while ec was not built: one copy of each rule, here and in domain/.
 */
export function registerLegacyEcBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  const acrossTheCut = ports?.legacyPool && ports.servicePool ? { ledger: reservationPool(ports.servicePool('ec')), stock: reservationPool(ports.legacyPool) } : undefined;
  return registerEcBehaviours(behaviours, {
    events: legacyEvents,
    side: 'legacy',
    ...(ports?.callModel ? { callModel: ports.callModel } : {}),
    ...(acrossTheCut ? { acrossTheCut } : {}),
  });
}
