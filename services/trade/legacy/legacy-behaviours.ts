import { createRecords, missingBehaviour, type BehaviourRegistry, type CallContext } from '../../../odoo-bridge/orm/index.ts';
import type { LegacyBehaviourPorts } from '../../kit/index.ts';
import { completionPoints } from '../domain/service-order-states.ts';
import { afterCommit } from '../odoo/after-commit.ts';
import { registerTradeBehaviours } from '../odoo/behaviours.ts';
import type { CompletedOrder, OrderSideEffects } from '../odoo/side-effects.ts';
import { completionAwardJob, type OrderAward } from './completion-award.ts';
import { ledgerOwnerFor } from './ledger-owner.ts';


const awardsOf = (orders: readonly CompletedOrder[]): OrderAward[] =>
  orders.map((o) => ({ orderId: o.id, customerId: o.customerId, delta: completionPoints(o.amount) })).filter((a) => a.delta > 0);

/** hp_points' `_hp_after_complete` in the completion's own transaction: the ledger is the monolith's, on this engine. */
async function awardInTransaction(ctx: CallContext, behaviours: BehaviourRegistry, awards: readonly OrderAward[]): Promise<void> {
  const ledger = ctx.registry.model('hp.points.transaction');
  if (!ledger || !behaviours.of('hp.points.transaction').length) throw missingBehaviour('hp.service.order', 'the points award of a completed order (no points ledger on this engine)');
  const valsList = awards.map((a) => ({ user_id: a.customerId, delta: a.delta, reason: 'order', ref_model: 'hp.service.order', ref_id: a.orderId }));
  await createRecords({ ctx, behaviours }, ledger, valsList, { checkAccess: false });
}

/**
 * In the monolith, completing an order runs hp_points' `_hp_after_complete` in the same
 * transaction: `hp.points.transaction.sudo().create(...)` of floor(amount) points for the
 * customer, so the ledger's own create rule (the per-user lock and balance_after, registered by
 * finance) applies to it as to any other credit. Nothing is published there.
 *
 * While the monolith owns the ledger (M14, with M13 and M15) that create runs here, in the
 * completion's transaction. Once finance owns it (ledger-owner.ts) a row written here would be
 * the monolith's (an id from the legacy block) and reach finance only later, as a legacy command:
 * the award goes to finance instead, as a client's create would (completion-award.ts, through
 * `ports.callModel`), right after the completion commits and before the call answers. Without a
 * dispatch (an engine built outside the gateway) there is no other side to reach.
 */
function monolithEffects(behaviours: BehaviourRegistry, ports: LegacyBehaviourPorts | undefined): OrderSideEffects {
  const job = ports?.callModel ? completionAwardJob(ports.callModel, ports) : undefined;
  return {
    created: async () => undefined,
    assigned: async () => undefined,
    async completed(ctx, orders) {
      const awards = awardsOf(orders);
      if (!awards.length) return;
      if (job && (await ledgerOwnerFor(ctx.db)) === 'finance') {
        const { work, onFailure } = job(ctx, awards);
        afterCommit(ctx, work, onFailure);
        return;
      }
      await awardInTransaction(ctx, behaviours, awards);
    },
  };
}

/**
 * What the legacy side's engine needs to answer M04/M20 like the monolith (before cutover, or
 * after a rollback): the marketplace and grab behaviour, with completion's points awarded where
 * the ledger lives. hp_points' ledger rules themselves (hp.points.transaction's create and write)
 * are finance's, which registers them on the same engine (services/finance/legacy/legacy-behaviours.ts).
 */
export function registerLegacyTradeBehaviours(behaviours: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry {
  return registerTradeBehaviours(behaviours, { effects: monolithEffects(behaviours, ports) });
}
