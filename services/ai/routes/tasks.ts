import type { Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { aiHome } from '../db/ai-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { AiDatabase } from '../db/tables.ts';
import { guardedTaskStore, readTaskResource, type TaskResource } from '../domain/generation-records.ts';
import { failTasks } from '../domain/generation-tasks.ts';
import { cancelRun, lockRun, readRunStatus } from '../domain/task-runs.ts';
import { TASK_MODEL, TASK_TABLE } from './content.ts';
import { asProblems, checkRecords, readerOfHome, writeInHome } from './rest-access.ts';

/** The error a cancelled task carries (action_fail('cancelled')). */
export const CANCELLED = 'cancelled';

/** A task with how it ran: attempts and, once done, what produced its result. */
async function taskAnswer(queue: Kysely<any>, task: TaskResource) {
  const run = await readRunStatus(onKysely(queue), task.id);
  return {
    ...task,
    attempts: run?.attempts ?? 0,
    maxAttempts: run?.maxAttempts ?? null,
    nextAttemptAt: task.state === 'running' ? (run?.nextAttemptAt ?? null) : null,
    generatedBy: task.state === 'done' && run?.provider && run.method ? { provider: run.provider, method: run.method, model: run.providerModel } : null,
  };
}

/**
 * GET /ai/tasks/{id}: the status URL. hp.ai.generation.task's read ACL and record rules on M16's
 * home: a member sees only the tasks they requested (rule_generation_task_own), operators all
 * (rule_generation_task_operator); anyone else's is 404, as a task that does not exist.
 */
export const getTaskRoute = defineRoute<AiDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ai/tasks/:id',
  summary: 'A generation task: state (queued, running, done, failed), result, error, attempts and what generated the result (the requester or an operator)',
  auth: 'bearer',
  params: 'rest/ai/task-params.json',
  responses: { 200: 'rest/ai/task.json' },
  async handler(ctx) {
    const rows = await readerOfHome(aiHome, ctx);
    await checkRecords(ctx.access!, rows, TASK_MODEL, TASK_TABLE, 'read', [ctx.params.id], 'task');
    const task = await readTaskResource(onKysely(rows), ctx.params.id);
    if (!task) throw problems.notFound(`task ${ctx.params.id} does not exist`);
    return { status: 200, body: await taskAnswer(ctx.db, task) };
  },
});

/**
 * Who may cancel: whoever may write the task under hp_ai's ACL and rules (operators), and its
 * requester. hp_ai gives members create and read but no write, and a member must be able to
 * withdraw their own request: that is this API's rule, stated here and in the README. Others see
 * 404 (the task hidden by the read rules) or 403.
 */
async function checkMayCancel(access: AccessPort, rows: Kysely<any>, id: number): Promise<void> {
  await checkRecords(access, rows, TASK_MODEL, TASK_TABLE, 'read', [id], 'task');
  const [task] = (await onKysely(rows).raw<{ requester_id: number | null }>('SELECT requester_id FROM generation_tasks WHERE id = $1', [id]));
  if (task?.requester_id === access.uid) return;
  await checkRecords(access, rows, TASK_MODEL, TASK_TABLE, 'write', [id], 'task');
}

/**
 * POST /ai/tasks/{id}/cancel: action_fail('cancelled') on M16's home (queued or running → failed;
 * 409 with the addon's "Only queued or running tasks can fail." for a finished task), and the run
 * ended in svc_ai so no worker claims it again; a worker mid-call loses its lease at its next
 * heartbeat, aborts the provider call and writes nothing.
 */
export const cancelTaskRoute = defineRoute<AiDatabase, unknown, unknown, { id: number }>({
  method: 'post',
  path: '/ai/tasks/:id/cancel',
  summary: 'Cancel a queued or running generation task: failed with error "cancelled" (its requester or an operator); 409 once it finished',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/ai/task-params.json',
  responses: { 200: 'rest/ai/task.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { id } = ctx.params;
    await lockRun(onKysely(ctx.db), id);
    const task = await writeInHome(aiHome, ctx, async (rows) => {
      await checkMayCancel(access, rows, id);
      await asProblems(failTasks(guardedTaskStore(onKysely(rows), access.uid), [id], CANCELLED));
      return (await readTaskResource(onKysely(rows), id))!;
    });
    await cancelRun(onKysely(ctx.db), id);
    return { status: 200, body: await taskAnswer(ctx.db, task) };
  },
});

export const TASK_ROUTES = [getTaskRoute, cancelTaskRoute];
