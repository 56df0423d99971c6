import { idsOf, inTransaction, updateRecords, type BehaviourRegistry, type CallContext, type MethodSpec, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { asOdooErrors, readSelf } from '../../kit/index.ts';
import { failTasks, finishTasks, startTasks, type TaskFacts, type TaskStore } from '../domain/generation-tasks.ts';

/** `self` of an hp.ai.generation.task method inside an ORM call: Python's first read through the engine (ACL, MissingError, rules), `self.write` through it. */
function rpcTaskStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): TaskStore {
  return {
    read: (ids) => readSelf<TaskFacts>(ctx, behaviours, model, 'generation_tasks', ids, ['state']),
    write: async (tasks, vals) => void (await updateRecords({ ctx, behaviours }, model, tasks.map((t) => t.id), { ...vals })),
  };
}

/**
 * A records method with Python's keyword default (`def action_done(self, result=None)`): the
 * kit's recordsMethod binds required parameters only. One transaction per call, the domain's
 * refusals as Odoo's exceptions.
 */
function taskMethod(qualname: string, param: string | null, run: (store: TaskStore, ids: number[], value: unknown) => Promise<unknown>, behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'records',
    signature: { qualname, params: param ? [{ name: param, default: null }] : [] },
    run: (ctx, model, args, ids) => inTransaction(ctx, (tx) => asOdooErrors(run(rpcTaskStore(tx, behaviours, model), idsOf(ids), param ? args[param] : undefined))),
  };
}

/**
 * hp_ai's Python behaviour (M16): hp.ai.generation.task's action_run / action_done(result) /
 * action_fail(error) (domain/generation-tasks.ts), written through the engine so ACLs, record
 * rules and the audit columns are Odoo's. The same on both sides of the cut: hp_ai announced
 * nothing, and neither does this.
 */
export function registerAiTaskBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  behaviours.register('hp.ai.generation.task', {
    methods: {
      action_run: taskMethod('HpAiGenerationTask.action_run', null, (store, ids) => startTasks(store, ids), behaviours),
      action_done: taskMethod('HpAiGenerationTask.action_done', 'result', (store, ids, result) => finishTasks(store, ids, result), behaviours),
      action_fail: taskMethod('HpAiGenerationTask.action_fail', 'error', (store, ids, error) => failTasks(store, ids, error), behaviours),
    },
  });
  return behaviours;
}

/** The business methods hp_ai defines (the ai face's business methods line). */
export const AI_TASK_BUSINESS_METHODS = {
  'hp.ai.generation.task': ['action_run', 'action_done', 'action_fail'],
} as const;
