import { updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { abandonGoals, recomputeGoalProgress, recordGoalProgress, type GoalFacts, type GoalStore } from '../domain/goals.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import type { EventsOfCall } from './outbox.ts';

/** `self` of an hp.health.goal method inside an ORM call: reads and writes through the engine (ACLs, record rules, the progress compute). */
function rpcGoalStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): GoalStore {
  return {
    read: (ids) => readSelf<GoalFacts>(ctx, behaviours, model, 'health_goals', ids, ['user_id', 'goal_type', 'state', 'target_value', 'current_value']),
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })),
  };
}

/** hp.health.goal: the stored progress, action_record_progress(value) and action_abandon (domain/goals.ts). */
export function goalBehaviour(behaviours: BehaviourRegistry, options: { events: EventsOfCall }): ModelBehaviour {
  return {
    compute: { progress: (ctx, ids) => recomputeGoalProgress(onQueryable(ctx.db), ids) },
    methods: {
      action_record_progress: recordsMethod('HpHealthGoal.action_record_progress', ['value'], async (ctx, model, ids, args) => {
        await recordGoalProgress(rpcGoalStore(ctx, behaviours, model), options.events(ctx), ids, args.value);
        return true;
      }),
      action_abandon: recordsMethod('HpHealthGoal.action_abandon', [], async (ctx, model, ids) => {
        await abandonGoals(rpcGoalStore(ctx, behaviours, model), ids);
        return true;
      }),
    },
  };
}
