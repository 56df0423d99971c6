import { createRecords, missingBehaviour, type BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { completionPoints } from '../domain/service-order-states.ts';
import { registerTradeBehaviours } from '../odoo/behaviours.ts';
import type { OrderSideEffects } from '../odoo/side-effects.ts';

/**
 * In the monolith, completing an order runs hp_points' `_hp_after_complete` in the same
 * transaction: `hp.points.transaction.sudo().create(...)` of floor(amount) points for the
 * customer, so the ledger's own create rule (the per-user lock and balance_after, registered by
 * finance, which owns M14) applies to it as to any other credit. Nothing is published there.
 */
function monolithEffects(behaviours: BehaviourRegistry): OrderSideEffects {
  return {
    created: async () => undefined,
    assigned: async () => undefined,
    async completed(ctx, orders) {
      const valsList = orders
        .map((o) => ({ user_id: o.customerId, delta: completionPoints(o.amount), reason: 'order', ref_model: 'hp.service.order', ref_id: o.id }))
        .filter((v) => v.delta > 0);
      if (!valsList.length) return;
      const ledger = ctx.registry.model('hp.points.transaction');
      if (!ledger || !behaviours.of('hp.points.transaction').length) throw missingBehaviour('hp.service.order', 'the points award of a completed order (no points ledger on this engine)');
      await createRecords({ ctx, behaviours }, ledger, valsList, { checkAccess: false });
    },
  };
}

/**
 * What the legacy side's engine needs to answer M04/M20 like the monolith (before cutover, or
 * after a rollback): the marketplace and grab behaviour, with completion's points written into
 * the monolith's ledger in the same transaction. hp_points' ledger rules themselves
 * (hp.points.transaction's create and write) are finance's, which registers them on the same
 * engine (services/finance/legacy/legacy-behaviours.ts).
 */
export function registerLegacyTradeBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  return registerTradeBehaviours(behaviours, { effects: monolithEffects(behaviours) });
}
