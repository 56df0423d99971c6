import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import type { GenerationTaskState } from '../db/tables.ts';
import { AiRefused } from './generation-refusal.ts';

/**
 * hp.ai.generation.task's state machine (hp_ai/models/hp_ai.py): action_run (queued → running),
 * action_done(result) (running → done, result and finished_at written) and action_fail(error)
 * (queued or running → failed, error and finished_at written). One implementation for every
 * client: the Odoo face on either side of the cut (odoo/ai-behaviour.ts), REST's cancellation
 * and the task worker run these functions over their own TaskStore, which checks access the way
 * its caller must.
 */

/** `_("Only queued tasks can start.")` */
export const ONLY_QUEUED_START = 'Only queued tasks can start.';
/** `_("Only running tasks can finish.")` */
export const ONLY_RUNNING_FINISH = 'Only running tasks can finish.';
/** `_("Only queued or running tasks can fail.")` */
export const ONLY_QUEUED_OR_RUNNING_FAIL = 'Only queued or running tasks can fail.';

export type TaskAction = 'run' | 'done' | 'fail';

/** The Odoo method of each action (the business methods the ai face provides). */
export const TASK_METHODS: Readonly<Record<TaskAction, string>> = { run: 'action_run', done: 'action_done', fail: 'action_fail' };

interface Transition {
  allows(state: GenerationTaskState): boolean;
  to: GenerationTaskState;
  refusal: string;
}

export const TASK_TRANSITIONS: Readonly<Record<TaskAction, Transition>> = {
  run: { allows: (state) => state === 'queued', to: 'running', refusal: ONLY_QUEUED_START },
  done: { allows: (state) => state === 'running', to: 'done', refusal: ONLY_RUNNING_FINISH },
  fail: { allows: (state) => state === 'queued' || state === 'running', to: 'failed', refusal: ONLY_QUEUED_OR_RUNNING_FAIL },
};

/** What the rules read of a task. */
export interface TaskFacts {
  id: number;
  state: GenerationTaskState;
}

/** What an action writes: `self.write({...})` of the addon, finished_at as fields.Datetime.now() (naive UTC, whole seconds). */
export interface TaskWrite {
  state: GenerationTaskState;
  result?: unknown;
  error?: unknown;
  finished_at?: string;
}

/**
 * Where an action reads `self` and writes, with the caller's checks: `read` is Python's first
 * read of `self` (read ACL and rules, missing ids), `write` is `self.write(vals)`. `write` gets
 * the tasks as read, so a store that does not serialise like Odoo's REPEATABLE READ can refuse a
 * move another caller made in between instead of overwriting it (a result is written once).
 */
export interface TaskStore {
  read(ids: readonly number[]): Promise<Map<number, TaskFacts>>;
  write(tasks: readonly TaskFacts[], vals: TaskWrite, action: TaskAction): Promise<void>;
}

/**
 * `any(t.state … for t in self)` refuses the whole recordset with the addon's UserError text when
 * one task is in the wrong state (nothing written), otherwise one write to every task (each
 * once). Returns True, as the methods do.
 */
async function runTaskAction(store: TaskStore, action: TaskAction, ids: readonly number[], vals: Omit<TaskWrite, 'state'>): Promise<true> {
  const transition = TASK_TRANSITIONS[action];
  const tasks = await store.read(ids);
  const unique = [...new Set(ids)].map((id) => tasks.get(id)!);
  if (unique.some((task) => !transition.allows(task.state))) throw new AiRefused('state', transition.refusal);
  if (unique.length) await store.write(unique, { state: transition.to, ...vals }, action);
  return true;
}

/** `action_run()`: queued → running. */
export function startTasks(store: TaskStore, ids: readonly number[]): Promise<true> {
  return runTaskAction(store, 'run', ids, {});
}

/** `action_done(result=None)`: running → done, with the result and finished_at. */
export function finishTasks(store: TaskStore, ids: readonly number[], result: unknown = null, now = new Date()): Promise<true> {
  return runTaskAction(store, 'done', ids, { result, finished_at: odooNow(now) });
}

/** `action_fail(error=None)`: queued or running → failed, with the error and finished_at. */
export function failTasks(store: TaskStore, ids: readonly number[], error: unknown = null, now = new Date()): Promise<true> {
  return runTaskAction(store, 'fail', ids, { error, finished_at: odooNow(now) });
}
