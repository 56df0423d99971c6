import { recordsMethod, readSelf } from '../../kit/index.ts';
import { companyCurrency, updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { confirmSettlements, paySettlements, recomputeSettlementNet, settlementDefaults, type SettlementStore } from '../domain/settlements.ts';

function rpcSettlementStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): SettlementStore {
  return {
    read: (ids) => readSelf<{ id: number; state: string }>(ctx, behaviours, model, 'settlements', ids, ['state']),
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })),
  };
}

/** hp.settlement: defaults, the stored net (= gross − fee), action_confirm and action_pay. */
export function settlementBehaviour(behaviours: BehaviourRegistry): ModelBehaviour {
  return {
    defaults: async (ctx) => settlementDefaults(await companyCurrency(ctx)),
    compute: { net: (ctx, ids) => recomputeSettlementNet(onQueryable(ctx.db), ids) },
    methods: {
      action_confirm: recordsMethod('HpSettlement.action_confirm', [], async (ctx, model, ids) => {
        await confirmSettlements(rpcSettlementStore(ctx, behaviours, model), ids);
        return true;
      }),
      action_pay: recordsMethod('HpSettlement.action_pay', [], async (ctx, model, ids) => {
        await paySettlements(rpcSettlementStore(ctx, behaviours, model), ids);
        return true;
      }),
    },
  };
}
