import type pg from 'pg';
import { aiDrillTag } from './ai-load.ts';
import type { AiLoadReport } from './ai-load-types.ts';
import { sideChecker, type SideCheck } from './side-check.ts';

/** The insights of the drill's members before the drill (ids, on the monolith): those the service's health analyses store are new beside them. Tasks, models and the drill's own insights are all new (their texts carry the run). */
export interface AiBaseline {
  insights: Set<number>;
}

export async function aiBaseline(pool: pg.Pool, members: readonly number[]): Promise<AiBaseline> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM insights WHERE user_id = ANY($1::int4[])', [members]);
  return { insights: new Set(rows.map((r) => r.id)) };
}

const FINISHED = new Set(['done', 'failed']);

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it, and no other row of the run. A generation task: its requester,
 * prompt and state, finished_at exactly when done or failed, the result and error an operator
 * wrote (a task the worker ran over REST: done with a result, or failed, never left queued or
 * running). An AI model: its capability and whether it is active. An insight the administrator
 * wrote: its member, type and severity. And the insights the service's health analyses stored
 * for the drill's members: each finding once, however often the member asked.
 */
export async function checkAiSide(side: SideCheck['side'], pool: pg.Pool, baseline: AiBaseline, report: AiLoadReport): Promise<SideCheck> {
  const { check, newRows, compare } = sideChecker(side, pool, baseline as unknown as Record<string, ReadonlySet<number>>);
  const tagged = `${aiDrillTag(report.runTag)}%`;

  const { rows: tasks } = await pool.query<{ id: number; requester_id: number | null; task_type: string; prompt: string | null; state: string; result: string | null; error: string | null; finished_at: string | null }>(
    'SELECT id, requester_id, task_type, prompt, state, result, error, finished_at::text AS finished_at FROM generation_tasks WHERE prompt LIKE $1 ORDER BY id', [tagged],
  );
  compare('generation_tasks', report.tasks, new Map(tasks.map((r) => [r.id, r])), (t, r) => {
    const why: string[] = [];
    if (r.requester_id !== t.requesterId || r.prompt !== t.prompt || r.task_type !== t.taskType) why.push(`holds ${r.task_type} "${r.prompt}" of ${r.requester_id}, written ${t.taskType} "${t.prompt}" of ${t.requesterId}`);
    if (r.state !== t.state) why.push(`holds ${r.state}, last written or read ${t.state}`);
    if (FINISHED.has(r.state) !== (r.finished_at !== null)) why.push(`${r.state} with finished_at ${r.finished_at}`);
    if (t.via === 'rest' && !FINISHED.has(r.state)) why.push(`queued over REST and left ${r.state}`);
    if ((r.result ?? null) !== t.result || (r.error ?? null) !== t.error) why.push(`holds result ${r.result === null ? 'none' : `"${r.result.slice(0, 40)}"`} error ${r.error}, last written ${t.result === null ? 'none' : `"${t.result.slice(0, 40)}"`} error ${t.error}`);
    return why.length ? why.join('; ') : undefined;
  });

  const { rows: models } = await pool.query<{ id: number; name: string; capability: string; active: boolean | null }>('SELECT id, name, capability, active FROM ai_models WHERE name LIKE $1 ORDER BY id', [tagged]);
  compare('ai_models', report.models, new Map(models.map((r) => [r.id, r])), (t, r) =>
    r.name !== t.name || r.capability !== t.capability || (r.active ?? false) !== t.active ? `holds ${r.name} ${r.capability} active ${r.active}, last written active ${t.active}` : undefined);

  const insights = await newRows<{ id: number; user_id: number; insight_type: string; severity: string; summary: string | null; data: string | null }>(
    'insights', 'user_id, insight_type, severity, summary, data::text AS data', 'user_id = ANY($1::int4[])', report.memberIds,
  );
  const drillInsights = new Map([...insights].filter(([, r]) => r.summary?.startsWith(aiDrillTag(report.runTag))));
  compare('insights', report.insights, drillInsights, (t, r) =>
    r.user_id !== t.userId || r.insight_type !== t.insightType || r.severity !== t.severity || r.summary !== t.summary
      ? `holds ${r.insight_type} ${r.severity} of ${r.user_id}, last written ${t.insightType} ${t.severity} of ${t.userId}` : undefined);
  // The health analyses' findings: stored once each (a member asking again stores nothing twice).
  const seen = new Map<string, number>();
  for (const [id, r] of insights) {
    if (drillInsights.has(id)) continue;
    const key = `${r.user_id}|${r.insight_type}|${r.severity}|${r.summary}|${r.data}`;
    if (seen.has(key)) check.extra.push(`insights #${id}: the finding of insights #${seen.get(key)} stored again for user ${r.user_id}`);
    else seen.set(key, id);
  }
  return check;
}
