import { on, type BusinessRule, type RuleBreach } from './rule-model.ts';

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

export const AI_RULES: readonly BusinessRule[] = [taskFinishedAt, selectionsValid];
