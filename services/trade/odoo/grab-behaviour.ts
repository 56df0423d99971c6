import { type BehaviourRegistry, type CallContext, checkExist, checkRules, idsOf, inTransaction, type MethodSpec, type ModelBehaviour, odooNow, type Vals } from '../../../odoo-bridge/orm/index.ts';
import { grabStore, lockOrders, requestedGrabs } from '../db/grab-store.ts';
import { build, onQueryable } from '../db/sql-runner.ts';
import { decideGrabs as decide, type RequestedGrab } from '../domain/grab-orders.ts';
import { forCall, type OrderSideEffects } from './side-effects.ts';

/** Decides requested grabs in id order (`action_decide`, run as the platform: sudo): the domain's use case on the call's connection. */
export async function decideGrabs(ctx: CallContext, grabs: RequestedGrab[], effects: OrderSideEffects): Promise<void> {
  await decide(grabStore(onQueryable(ctx.db)), forCall(effects, ctx), grabs, ctx.uid);
}

function orderIdsOf(valsList: Vals[]): number[] {
  return valsList.map((v) => Number(v.service_order_id)).filter((id) => Number.isInteger(id) && id > 0);
}

/** hp.grab.order (hp_grab/models/hp_grab_order.py): defaults, the locking create, action_decide, action_expire. */
export function grabOrderBehaviour(effects: OrderSideEffects, behaviours: BehaviourRegistry): ModelBehaviour {
  const recordsMethod = (qualname: string, work: (ctx: CallContext, ids: number[]) => Promise<void>): MethodSpec => ({
    api: 'records',
    signature: { qualname, params: [] },
    run: (ctx, model, _args, ids) =>
      inTransaction(ctx, async (tx) => {
        const list = [...new Set(idsOf(ids))];
        tx.access.checkModel(model, 'read');
        await checkExist({ ctx: tx, behaviours }, model, list);
        await checkRules({ ctx: tx, behaviours }, model, 'read', list);
        await work(tx, list);
        return true;
      }),
  });
  return {
    defaults: () => ({ state: 'requested', requested_at: odooNow() }),
    beforeCreate: (ctx, valsList) => lockOrders(onQueryable(ctx.db), orderIdsOf(valsList)),
    afterCreate: async (ctx, ids) => decideGrabs(ctx, await requestedGrabs(onQueryable(ctx.db), { grabIds: ids }), effects),
    methods: {
      action_decide: recordsMethod('HpGrabOrder.action_decide', async (ctx, ids) => decideGrabs(ctx, await requestedGrabs(onQueryable(ctx.db), { grabIds: ids }), effects)),
      action_expire: recordsMethod('HpGrabOrder.action_expire', async (ctx, ids) => {
        if (!ids.length) return;
        await onQueryable(ctx.db).run(
          build.updateTable('grab_orders').set({ state: 'expired', decided_at: odooNow(), write_uid: ctx.uid, write_date: odooNow() }).where('id', 'in', ids).where('state', '=', 'requested'),
        );
      }),
    },
  };
}
