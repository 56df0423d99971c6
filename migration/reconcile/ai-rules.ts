import { on, type BusinessRule, type RuleBreach, type TableLocator } from './rule-model.ts';

/**
 * The invariants of M16 (hp_ai: the ai service), from the addon's sources.
 *
 * - hp.ai.generation.task's state machine: `finished_at` is written by `action_done` (running →
 *   done) and `action_fail` (queued or running → failed) and by nothing else; done and failed are
 *   final. So a done or failed task has a finish time and a queued or running one has none.
 * - The selections of hp_ai (Odoo writes no other value through the ORM; svc_ai's columns are
 *   plain varchar): a task's state (queued, running, done, failed) and task_type, a model's
 *   capability (content, consult, insight, matching, risk), an insight's type (trend, anomaly,
 *   recommendation) and severity (info, warning, critical).
 * - The ai service's worker (services/ai/domain/worker.ts) runs the tasks queued through its API
 *   off svc_ai's own queue (ai_task_runs), under a lease it renews while it works; a lease that
 *   lapses (a crashed worker) is claimed again at the next pass, a failed attempt waits for its
 *   retry. So a queued or running task the queue holds is claimed under a lease that has not
 *   lapsed for longer than a lease (30 s), or waits for a retry not overdue by as much; a task
 *   whose run ended is done or failed. The monolith's own tasks (no run in the queue: its seed's
 *   five running ones, or an Odoo client's action_run) are nobody's to finish and are not checked.
 */

export const AI_CAPABILITIES = ['content', 'consult', 'insight', 'matching', 'risk'] as const;
export const TASK_STATES = ['queued', 'running', 'done', 'failed'] as const;
export const INSIGHT_TYPES = ['trend', 'anomaly', 'recommendation'] as const;
export const INSIGHT_SEVERITIES = ['info', 'warning', 'critical'] as const;

const FINISHED = new Set<string>(['done', 'failed']);

const taskFinishedAt: BusinessRule = {
  id: 'ai-task-finished-at-by-state',
  title: 'A generation task has a finish time exactly when it is done or failed',
  description:
    'For every generation task, finished_at is set when state is done or failed (action_done and action_fail write it) and empty when it is ' +
    'queued or running (nothing else writes it, and done and failed are final).',
  tables: ['generation_tasks'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'generation_tasks').query<{ id: number; requester_id: number | null; state: string; finished_at: string | null }>(
      `SELECT id, requester_id, state, finished_at::text AS finished_at FROM generation_tasks
        WHERE (state IN ('done', 'failed')) = (finished_at IS NULL) ORDER BY id`,
    );
    return rows.map((t): RuleBreach => ({
      ids: { generation_tasks: [t.id], ...(t.requester_id ? { res_users: [t.requester_id] } : {}) },
      detail: FINISHED.has(t.state) ? `generation task ${t.id} is ${t.state} without a finish time` : `generation task ${t.id} is ${t.state} but finished at ${t.finished_at}`,
      noRepair: 'when the task really finished, or whether it did, is not in the row: a person asks the worker log',
    }));
  },
};

/** A selection column and the values hp_ai declares for it. */
interface SelectionColumn {
  table: 'generation_tasks' | 'ai_models' | 'insights';
  column: string;
  values: readonly string[];
  /** The row's owner, when the table names one (breaches name users, never an insight's summary or data). */
  owner?: string;
}

const SELECTIONS: readonly SelectionColumn[] = [
  { table: 'generation_tasks', column: 'state', values: TASK_STATES, owner: 'requester_id' },
  { table: 'generation_tasks', column: 'task_type', values: AI_CAPABILITIES, owner: 'requester_id' },
  { table: 'ai_models', column: 'capability', values: AI_CAPABILITIES },
  { table: 'insights', column: 'insight_type', values: INSIGHT_TYPES, owner: 'user_id' },
  { table: 'insights', column: 'severity', values: INSIGHT_SEVERITIES, owner: 'user_id' },
];

const selectionsValid: BusinessRule = {
  id: 'ai-selection-values',
  title: "Every hp_ai selection holds one of the addon's values",
  description:
    `Generation tasks' state is one of ${TASK_STATES.join(', ')} and task_type one of ${AI_CAPABILITIES.join(', ')}; AI models' capability one of the same; ` +
    `insights' insight_type one of ${INSIGHT_TYPES.join(', ')} and severity one of ${INSIGHT_SEVERITIES.join(', ')} (all required).`,
  tables: ['generation_tasks', 'ai_models', 'insights'],
  scope: 'per-side',
  async check(sides, side) {
    const breaches: RuleBreach[] = [];
    for (const s of SELECTIONS) {
      const { rows } = await on(sides[side], s.table).query<{ id: number; value: string | null; owner: number | null }>(
        `SELECT id, ${s.column} AS value, ${s.owner ?? 'NULL::int4'} AS owner FROM ${s.table} WHERE ${s.column} IS NULL OR NOT (${s.column} = ANY($1::text[])) ORDER BY id`,
        [s.values],
      );
      for (const r of rows) {
        breaches.push({
          ids: { [s.table]: [r.id], ...(r.owner ? { res_users: [r.owner] } : {}) },
          detail: `${s.table} #${r.id}: ${s.column} ${r.value === null ? 'empty' : `'${r.value}'`} is not one of ${s.values.join(', ')}`,
          noRepair: 'which value was meant is not in the row: a person reads the record',
        });
      }
    }
    return breaches;
  },
};

/** How long past a lease's end (or a retry's time) a run may wait for the worker's next pass: one default lease (AI_TASK_LEASE_MS). */
export const LEASE_SLACK_SECONDS = 30;

/** svc_ai's queue beside the side's tasks: the database that holds M16's tables for the service, if it has a queue. */
async function queueRuns(sides: { target: TableLocator }, taskIds: number[]): Promise<{ task_id: number; state: string; lapsed: string | null; overdue: string | null }[] | undefined> {
  const svc = sides.target('generation_tasks');
  if (!svc || !taskIds.length) return undefined;
  try {
    const { rows: [has] } = await svc.query<{ ok: boolean }>(`SELECT to_regclass('ai_task_runs') IS NOT NULL AS ok`);
    if (!has?.ok) return undefined;
    const { rows } = await svc.query<{ task_id: number; state: string; lapsed: string | null; overdue: string | null }>(
      `SELECT task_id, state,
              CASE WHEN state = 'claimed' AND lease_until < now() - make_interval(secs => $2) THEN lease_until::text END AS lapsed,
              CASE WHEN state = 'pending' AND next_attempt_at < now() - make_interval(secs => $2) THEN next_attempt_at::text END AS overdue
         FROM ai_task_runs WHERE task_id = ANY($1::int4[])`,
      [taskIds, LEASE_SLACK_SECONDS],
    );
    return rows;
  } catch (error) {
    // The ai service has no database yet (planned, never started): no queue, no lease promised.
    if ((error as { code?: string }).code === '3D000') return undefined;
    throw error;
  }
}

const unfinishedTaskLeased: BusinessRule = {
  id: 'ai-task-run-leased',
  title: "Every unfinished task of the ai service's queue is leased or waits for its retry",
  description:
    `For every queued or running generation task that svc_ai's queue (ai_task_runs) holds: its run is claimed under a lease that has not lapsed for more than ${LEASE_SLACK_SECONDS} s, ` +
    `or waits for a retry not overdue by more than ${LEASE_SLACK_SECONDS} s; a run that ended leaves its task done or failed. Tasks the queue does not hold are the monolith's clients' and are not checked.`,
  tables: ['generation_tasks'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows: unfinished } = await on(sides[side], 'generation_tasks').query<{ id: number; requester_id: number | null; state: string }>(
      `SELECT id, requester_id, state FROM generation_tasks WHERE state IN ('queued', 'running') ORDER BY id`,
    );
    const runs = await queueRuns(sides, unfinished.map((t) => t.id));
    if (!runs) return [];
    const runOf = new Map(runs.map((r) => [r.task_id, r]));
    return unfinished.flatMap((t): RuleBreach[] => {
      const run = runOf.get(t.id);
      const why = !run ? undefined
        : run.state === 'finished' ? `its run ended, the task is still ${t.state}`
        : run.lapsed ? `its lease lapsed at ${run.lapsed} and no worker took it over`
        : run.overdue ? `its retry was due at ${run.overdue} and no worker took it`
        : undefined;
      return why ? [{
        ids: { generation_tasks: [t.id], ...(t.requester_id ? { res_users: [t.requester_id] } : {}) },
        detail: `generation task ${t.id} is ${t.state}: ${why}`,
        noRepair: 'whether the provider answered is in the worker log, not the rows: a person fails the task or queues it again',
      }] : [];
    });
  },
};

export const AI_RULES: readonly BusinessRule[] = [taskFinishedAt, selectionsValid, unfinishedTaskLeased];
