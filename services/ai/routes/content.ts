import { defineRoute, problems } from '../../kit/index.ts';
import { aiHome } from '../db/ai-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { AiDatabase } from '../db/tables.ts';
import { activeModelOf, insertTask } from '../domain/generation-records.ts';
import { enqueueRun } from '../domain/task-runs.ts';
import { workerPolicyFromEnv } from '../domain/worker-settings.ts';
import { taskWorkerOf } from '../domain/worker.ts';
import { checkRecords, writeInHome } from './rest-access.ts';

export const TASK_MODEL = 'hp.ai.generation.task';
export const TASK_TABLE = 'generation_tasks';

interface ContentGenerate { prompt: string; modelId?: number }

/**
 * POST /ai/content/generate: hp.ai.generation.task's create over REST for those its ACL lets
 * create (members, and every hp group implies member; a user without one gets 403 with Odoo's
 * AccessError text), task type content, state queued, the caller as requester; and the task's run queued in
 * svc_ai for the worker, in the request's transaction. 202 with the status URL: the text comes
 * later (GET /ai/tasks/{id}). On M16's home: the monolith before cutover (committed just before
 * svc_ai's queue row), svc_ai after (one transaction).
 */
export const generateContentRoute = defineRoute<AiDatabase, ContentGenerate>({
  method: 'post',
  path: '/ai/content/generate',
  summary: 'Queue a content generation task (members); 202 with the URL of its status. Local models answer from templates and say so',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ai/content-generate.json',
  responses: { 202: 'rest/ai/content-accepted.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(TASK_MODEL, 'create');
    const policy = workerPolicyFromEnv();
    const { id, modelId } = await writeInHome(aiHome, ctx, async (rows) => {
      const run = onKysely(rows);
      const model = await activeModelOf(run, 'content', ctx.body.modelId ?? null);
      if (ctx.body.modelId !== undefined && !model) throw problems.unprocessable(`hp.ai.model ${ctx.body.modelId} is not an active content model`);
      const taskId = await insertTask(run, { modelId: model?.id ?? null, requesterId: access.uid, taskType: 'content', prompt: ctx.body.prompt }, access.uid);
      await checkRecords(access, rows, TASK_MODEL, TASK_TABLE, 'create', [taskId], 'task');
      return { id: taskId, modelId: model?.id ?? null };
    });
    await enqueueRun(onKysely(ctx.db), id, access.uid, policy.maxAttempts);
    const database = ctx.database;
    if (database) ctx.afterCommit(async () => taskWorkerOf(database)?.kick());
    const statusUrl = `/ai/tasks/${id}`;
    return { status: 202, body: { id, state: 'queued', statusUrl, modelId }, headers: { location: statusUrl } };
  },
});

export const CONTENT_ROUTES = [generateContentRoute];
