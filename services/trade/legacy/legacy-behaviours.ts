import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { completionPoints } from '../domain/service-order-states.ts';
import { registerTradeBehaviours } from '../odoo/behaviours.ts';
import type { OrderSideEffects } from '../odoo/side-effects.ts';
import { appendPoints } from './points-ledger.ts';

/**
 * In the monolith, completing an order runs hp_points' `_hp_after_complete` in the same
 * transaction: floor(amount) points for the customer. Nothing is published there.
 */
const monolithEffects: OrderSideEffects = {
  created: async () => undefined,
  assigned: async () => undefined,
  async completed(ctx, orders) {
    const entries = orders
      .map((o) => ({ userId: o.customerId, delta: completionPoints(o.amount), reason: 'order', refModel: 'hp.service.order', refId: o.id }))
      .filter((e) => e.delta > 0);
    await appendPoints(ctx.db, entries, ctx.uid);
  },
};

/**
 * What the legacy side's engine needs to answer M04/M20 like the monolith (before cutover, or
 * after a rollback): the marketplace and grab behaviour, with completion's points written into
 * the monolith's ledger in the same transaction. hp_points' ledger rules themselves
 * (hp.points.transaction's create and write) are finance's, which registers them on the same
 * engine (services/finance/legacy/legacy-behaviours.ts).
 */
export function registerLegacyTradeBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  return registerTradeBehaviours(behaviours, { effects: monolithEffects });
}
