import type pg from 'pg';
import type { Attempt, Expectation } from '../ec/isolation-attempts.ts';
import { shownIds } from '../ec/isolation-protocols.ts';

export { breachOf } from '../ec/isolation-attempts.ts';

/**
 * The Odoo calls of the ai isolation property (isolation.property.db.test.ts): what a member tries
 * on another member's AI generation tasks and health insights (hp_ai's record rules: a member
 * reads only its own tasks, `requester_id = user`, and insights, `user_id = user`; members create
 * tasks but write neither), and on the AI models (members read them, only operators change them),
 * and what must come of it.
 */

/** Who attacks whom, on which row. */
export interface Target {
  attacker: number;
  /** tasks and insights: the member whose rows are attacked; models: nobody's (0). */
  victim: number;
  /** The row attacked: one of the victim's tasks or insights, or an AI model. */
  rowId: number;
  /** Every task (or insight) of the victim: what must stay hidden. */
  victimIds: readonly number[];
  /** A task (or insight) of the attacker's own, for mixed calls. */
  ownId?: number;
  /** A service order of the victim's that the attacker's rules do not show (REST matching). */
  serviceOrderId?: number;
}

const refused: Expectation = { refused: true };
const ids = (t: Target) => (t.ownId ? [t.ownId, t.rowId] : [t.rowId]);

/** A search answer (ids, records, pairs, a count) that holds none of the victim's rows. */
function showsNone(victimIds: readonly number[]) {
  return (result: unknown): string | undefined => {
    if (typeof result === 'number') return result === 0 ? undefined : `counted ${result}`;
    const found = shownIds(result).filter((id) => victimIds.includes(id));
    return found.length ? `showed ${found.join(', ')}` : undefined;
  };
}

const noGroups: Expectation = { shows: (r) => (Array.isArray(r) && r.length ? `grouped ${JSON.stringify(r).slice(0, 200)}` : undefined) };

/** read_group by the owner field: no group but the attacker's own. */
function groupsOnlyOwn(field: string, attacker: number) {
  return (result: unknown): string | undefined => {
    const groups = Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    const others = groups.filter((g) => !(Array.isArray(g[field]) && (g[field] as unknown[])[0] === attacker));
    return others.length ? `grouped other users: ${JSON.stringify(others.map((g) => g[field]))}` : undefined;
  };
}

/** The personal models: their tables, owner field and what an attacker writes or creates in the victim's name. */
export const PERSONAL_MODELS = {
  tasks: { model: 'hp.ai.generation.task', table: 'generation_tasks', owner: 'requester_id', groupBy: 'state', fields: ['task_type', 'prompt', 'result', 'state'], write: { prompt: 'Taken over', state: 'failed' }, create: { task_type: 'content', prompt: 'In your name' }, methods: ['action_run', 'action_done', 'action_fail'] },
  insights: { model: 'hp.ai.insight', table: 'insights', owner: 'user_id', groupBy: 'severity', fields: ['insight_type', 'summary', 'data'], write: { summary: 'Taken over', severity: 'critical' }, create: { insight_type: 'trend', summary: 'In your name' }, methods: [] as string[] },
} as const;
export type PersonalArea = keyof typeof PERSONAL_MODELS;

export function personalAttempts(area: PersonalArea, t: Target): Record<string, Attempt> {
  const p = PERSONAL_MODELS[area];
  const theirs = [[p.owner, '=', t.victim]];
  const none = { shows: showsNone(t.victimIds) };
  const on = (method: string, args: unknown[], expect: Expectation, kwargs?: Record<string, unknown>): Attempt => ({ model: p.model, method, args, expect, ...(kwargs ? { kwargs } : {}) });
  const methods = Object.fromEntries(p.methods.flatMap((method) => [
    [method, on(method, [[t.rowId]], refused)],
    [`${method}_with_own`, on(method, [ids(t)], refused)],
  ]));
  return {
    read: on('read', [[t.rowId], [...p.fields]], refused),
    read_with_own: on('read', [ids(t), [...p.fields]], refused),
    web_read: on('web_read', [[t.rowId]], refused, { specification: Object.fromEntries(p.fields.map((f) => [f, {}])) }),
    search_read: on('search_read', [theirs, [...p.fields]], none),
    search_read_ids: on('search_read', [[['id', 'in', [...t.victimIds]]], [p.owner]], none),
    search: on('search', [theirs], none),
    search_count: on('search_count', [theirs], none),
    web_search_read: on('web_search_read', [theirs], none, { specification: { display_name: {} } }),
    name_search: on('name_search', [''], none, { limit: 1000 }),
    read_group_theirs: on('read_group', [theirs, [], [p.groupBy]], noGroups),
    read_group_owners: on('read_group', [[], [], [p.owner]], { shows: groupsOnlyOwn(p.owner, t.attacker) }),
    write: on('write', [[t.rowId], p.write], refused),
    write_owner: on('write', [[t.rowId], { [p.owner]: t.attacker }], refused),
    create_for_victim: on('create', [[{ ...p.create, [p.owner]: t.victim }]], refused),
    copy: on('copy', [[t.rowId]], refused),
    unlink: on('unlink', [[t.rowId]], refused),
    ...methods,
  };
}

/** The AI models: members read them (no record rule), only operators and admins change them. */
export function modelAttempts(t: Target): Record<string, Attempt> {
  const on = (method: string, args: unknown[]): Attempt => ({ model: 'hp.ai.model', method, args, expect: refused });
  return {
    write: on('write', [[t.rowId], { version: 'taken over', active: false }]),
    create: on('create', [[{ name: 'Mine', capability: 'content' }]]),
    copy: on('copy', [[t.rowId]]),
    unlink: on('unlink', [[t.rowId]]),
  };
}

export type Area = PersonalArea | 'models';
export const AREA_NAMES: readonly Area[] = ['tasks', 'insights', 'models'];

export const attemptsOf = (area: Area, t: Target): Record<string, Attempt> => (area === 'models' ? modelAttempts(t) : personalAttempts(area, t));

/** The labels of an area's attempts (they do not depend on the target). */
export const attemptLabels = (area: Area): string[] => Object.keys(attemptsOf(area, { attacker: 1, victim: 2, rowId: 1, victimIds: [1] }));

/** The rows a refused attempt must leave as they were: the victim's tasks and insights (a row created in their name shows too), or the AI models. */
export async function guardedRows(pool: pg.Pool, area: Area, victim: number): Promise<string> {
  if (area === 'models') return JSON.stringify((await pool.query('SELECT id, name, provider, version, capability, active FROM ai_models ORDER BY id')).rows);
  const tasks = await pool.query('SELECT id, model_id, requester_id, task_type, prompt, result, state, error, finished_at FROM generation_tasks WHERE requester_id = $1 ORDER BY id', [victim]);
  const insights = await pool.query('SELECT id, user_id, insight_type, summary, severity, generated_at, data FROM insights WHERE user_id = $1 ORDER BY id', [victim]);
  return JSON.stringify([tasks.rows, insights.rows]);
}
