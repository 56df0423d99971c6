import type { AiCapability, GenerationTaskState } from '../db/tables.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { AiRefused } from './generation-refusal.ts';
import { TASK_TRANSITIONS, type TaskAction, type TaskFacts, type TaskStore, type TaskWrite } from './generation-tasks.ts';

/**
 * generation_tasks rows as REST and the task worker read and write them, on whichever database
 * holds M16 now (svc_ai or the monolith: same table, same columns). No access checks here: the
 * caller's store did them.
 */

/** The uid the worker writes as: Odoo's superuser, as a scheduled action would run. */
export const WORKER_UID = 1;

/** A task as its facts for running it. */
export interface TaskToRun {
  id: number;
  state: GenerationTaskState;
  taskType: AiCapability;
  prompt: string | null;
  requesterId: number | null;
  model: { id: number | null; name: string; version: string | null; provider: string | null };
}

export async function readTaskFacts(run: SqlRunner, ids: readonly number[]): Promise<Map<number, TaskFacts>> {
  const rows = await run.raw<TaskFacts>('SELECT id, state FROM generation_tasks WHERE id = ANY($1::int4[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function readTaskToRun(run: SqlRunner, id: number): Promise<TaskToRun | undefined> {
  const [row] = await run.raw<{ id: number; state: GenerationTaskState; task_type: AiCapability; prompt: string | null; requester_id: number | null; model_id: number | null; name: string | null; version: string | null; provider: string | null }>(
    `SELECT t.id, t.state, t.task_type, t.prompt, t.requester_id, t.model_id, m.name, m.version, m.provider
       FROM generation_tasks t LEFT JOIN ai_models m ON m.id = t.model_id WHERE t.id = $1`,
    [id],
  );
  if (!row) return undefined;
  return {
    id: row.id, state: row.state, taskType: row.task_type, prompt: row.prompt, requesterId: row.requester_id,
    model: { id: row.model_id, name: row.name ?? 'none', version: row.version, provider: row.provider },
  };
}

/**
 * The write of an action, guarded: one UPDATE of the tasks still in a state the action allows.
 * A task another caller moved in between (a cancellation, another worker) is refused with the
 * addon's text and nothing is written, so a result is written at most once.
 */
export async function writeTaskState(run: SqlRunner, tasks: readonly TaskFacts[], vals: TaskWrite, action: TaskAction, uid: number): Promise<void> {
  if (!tasks.length) return;
  const ids = tasks.map((t) => t.id);
  const from = action === 'run' ? ['queued'] : action === 'done' ? ['running'] : ['queued', 'running'];
  const changed = await run.raw<{ id: number }>(
    `UPDATE generation_tasks
        SET state = $2,
            result = CASE WHEN $3::boolean THEN $4::text ELSE result END,
            error = CASE WHEN $5::boolean THEN $6::text ELSE error END,
            finished_at = coalesce($7::timestamp, finished_at),
            write_uid = $8, write_date = (now() at time zone 'UTC')
      WHERE id = ANY($1::int4[]) AND state = ANY($9::varchar[]) RETURNING id`,
    [ids, vals.state, 'result' in vals, textOf(vals.result), 'error' in vals, textOf(vals.error), vals.finished_at ?? null, uid, from],
  );
  if (changed.length !== ids.length) throw new AiRefused('state', TASK_TRANSITIONS[action].refusal);
}

/** fields.Text's conversion of a written value: None/False → NULL, anything else its str(). */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The domain's TaskStore for the worker and REST's cancellation: rows read as they are, writes guarded and stamped with `uid`. */
export function guardedTaskStore(run: SqlRunner, uid: number): TaskStore {
  return {
    read: (ids) => readTaskFacts(run, ids),
    write: (tasks, vals, action) => writeTaskState(run, tasks, vals, action, uid),
  };
}

export interface NewTask {
  modelId: number | null;
  requesterId: number;
  taskType: AiCapability;
  prompt: string;
}

/** hp.ai.generation.task's create as the engine would write it: state queued (the field's default), the audit columns of `uid`. */
export async function insertTask(run: SqlRunner, vals: NewTask, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO generation_tasks (model_id, requester_id, task_type, state, prompt, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, 'queued', $4, $5, $5, (now() at time zone 'UTC'), (now() at time zone 'UTC')) RETURNING id`,
    [vals.modelId, vals.requesterId, vals.taskType, vals.prompt, uid],
  );
  return row!.id;
}

/** The active model of a capability: the one named, or the first in hp.ai.model's `_order` (name, version). */
export async function activeModelOf(run: SqlRunner, capability: AiCapability, modelId: number | null): Promise<{ id: number; name: string; provider: string | null } | undefined> {
  const [row] = await run.raw<{ id: number; name: string; provider: string | null }>(
    `SELECT id, name, provider FROM ai_models WHERE capability = $1 AND active IS TRUE AND ($2::int4 IS NULL OR id = $2)
      ORDER BY name, version NULLS LAST, id LIMIT 1`,
    [capability, modelId],
  );
  return row;
}

/** A task as REST shows it. Datetimes RFC 3339 UTC (Odoo stores naive UTC). */
export interface TaskResource {
  id: number;
  taskType: AiCapability;
  state: GenerationTaskState;
  modelId: number | null;
  requesterId: number | null;
  prompt: string | null;
  result: string | null;
  error: string | null;
  createdAt: string | null;
  finishedAt: string | null;
}

const utc = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

export async function readTaskResource(run: SqlRunner, id: number): Promise<TaskResource | undefined> {
  const [row] = await run.raw<TaskResource>(
    `SELECT t.id, t.task_type AS "taskType", t.state, t.model_id AS "modelId", t.requester_id AS "requesterId", t.prompt, t.result, t.error,
            ${utc('t.create_date')} AS "createdAt", ${utc('t.finished_at')} AS "finishedAt"
       FROM generation_tasks t WHERE t.id = $1`,
    [id],
  );
  return row;
}
