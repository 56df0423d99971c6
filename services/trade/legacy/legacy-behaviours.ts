import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { completionPoints } from '../domain/service-order-states.ts';
import { registerTradeBehaviours } from '../odoo/behaviours.ts';
import type { OrderSideEffects } from '../odoo/side-effects.ts';
import { APPEND_ONLY_FIELDS, appendOnlyError, appendPoints, ledgerBalances } from './points-ledger.ts';

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
 * after a rollback): the marketplace and grab behaviour, and the points ledger rules of hp_points
 * that completing an order relies on (M14 has no service yet; when finance takes M14 over, this
 * ledger registration moves there).
 */
export function registerLegacyTradeBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  registerTradeBehaviours(behaviours, { effects: monolithEffects });
  behaviours.register('hp.points.transaction', {
    async beforeCreate(ctx, valsList) {
      const entries = valsList.filter((v) => v.user_id);
      const balances = await ledgerBalances(ctx.db, entries.map((v) => ({ userId: Number(v.user_id), delta: Number(v.delta ?? 0) || 0 })));
      entries.forEach((v, i) => (v.balance_after = balances[i]));
    },
    beforeWrite(_ctx, _ids, vals) {
      if (APPEND_ONLY_FIELDS.some((f) => f in vals)) throw appendOnlyError();
    },
    // balance_after is fixed at create; writes of other fields leave it as it is.
    compute: { balance_after: async () => undefined },
  });
  return behaviours;
}
