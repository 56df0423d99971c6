import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_CAPABILITIES, INSIGHT_SEVERITIES, INSIGHT_TYPES, LEASE_SLACK_SECONDS, TASK_STATES } from '../../../migration/reconcile/ai-rules.ts';
import { AI_RULES, DatabasePools, reconcileModules, type BusinessRule, type ReconcileReport, type RuleResult } from '../../../migration/reconcile/index.ts';
import { AI_MIGRATIONS } from '../../../services/ai/db/migrations.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The reconcile rules of M16 the ai drill ends on (migration/reconcile/ai-rules.ts): a task has a
 * finish time exactly when done or failed, hp_ai's selections hold the addon's values, and an
 * unfinished task of the ai service's queue is leased or waits for its retry. Checked against
 * generated tables with planted faults (exactly those reported), and against the monolith's data
 * (clean on both sides, its seed's five running tasks, which no queue holds, included) with
 * breaches planted in it.
 */
const rule = (id: string): BusinessRule => AI_RULES.find((r) => r.id === id)!;

describe('M16 rules on generated tables', () => {
  let db: TestDatabase;
  const sides = { source: () => db.pool, target: () => db.pool };

  beforeAll(async () => {
    db = await emptyDatabase('ai_rules');
    for (const m of AI_MIGRATIONS) await db.pool.query(m.sql);
  });
  afterAll(async () => db?.drop());

  it('report exactly the tasks whose finish time does not go with their state, and values outside the selections', async () => {
    const task = fc.record({ state: fc.constantFrom(...TASK_STATES, 'cancelled', 'RUNNING'), finished: fc.boolean(), type: fc.constantFrom(...AI_CAPABILITIES, 'poetry') });
    const insight = fc.record({ type: fc.constantFrom(...INSIGHT_TYPES, 'hunch'), severity: fc.constantFrom(...INSIGHT_SEVERITIES, 'fatal') });
    await fc.assert(
      fc.asyncProperty(fc.array(task, { maxLength: 12 }), fc.array(insight, { maxLength: 6 }), fc.array(fc.constantFrom(...AI_CAPABILITIES, ''), { maxLength: 4 }), async (tasks, insights, models) => {
        await db.pool.query('TRUNCATE generation_tasks, insights, ai_models, ai_task_runs CASCADE');
        await db.pool.query('ALTER SEQUENCE generation_tasks_id_seq RESTART; ALTER SEQUENCE insights_id_seq RESTART; ALTER SEQUENCE ai_models_id_seq RESTART');
        const finishedWrong: number[] = [];
        const outside: string[] = [];
        for (const [i, t] of tasks.entries()) {
          await db.pool.query(`INSERT INTO generation_tasks (requester_id, task_type, state, finished_at) VALUES (6, $1, $2, CASE WHEN $3 THEN now() END)`, [t.type, t.state, t.finished]);
          if ((t.state === 'done' || t.state === 'failed') !== t.finished) finishedWrong.push(i + 1);
          if (!(TASK_STATES as readonly string[]).includes(t.state)) outside.push(`generation_tasks ${i + 1} state`);
          if (!(AI_CAPABILITIES as readonly string[]).includes(t.type)) outside.push(`generation_tasks ${i + 1} task_type`);
        }
        for (const [i, capability] of models.entries()) {
          await db.pool.query(`INSERT INTO ai_models (name, capability) VALUES ('M', $1)`, [capability]);
          if (!capability) outside.push(`ai_models ${i + 1} capability`);
        }
        for (const [i, x] of insights.entries()) {
          await db.pool.query(`INSERT INTO insights (user_id, insight_type, severity) VALUES (6, $1, $2)`, [x.type, x.severity]);
          if (!(INSIGHT_TYPES as readonly string[]).includes(x.type)) outside.push(`insights ${i + 1} insight_type`);
          if (!(INSIGHT_SEVERITIES as readonly string[]).includes(x.severity)) outside.push(`insights ${i + 1} severity`);
        }
        expect((await rule('ai-task-finished-at-by-state').check(sides, 'source')).map((b) => b.ids.generation_tasks![0])).toEqual(finishedWrong);
        const reported = (await rule('ai-selection-values').check(sides, 'source')).map((b) => {
          const [table, ids] = Object.entries(b.ids).find(([t]) => t !== 'res_users')!;
          return `${table} ${ids[0]} ${/: (\w+) /.exec(b.detail)![1]}`;
        });
        expect(reported.sort()).toEqual(outside.sort());
      }),
      { numRuns: 30 },
    );
  });

  it("report exactly the unfinished tasks whose run lapsed, is overdue or ended; the monolith's own tasks are nobody's", async () => {
    const runArb = fc.record({
      state: fc.constantFrom('queued', 'running', 'done', 'failed'),
      // none: the monolith's task (no run); the run's state and how far its lease end or retry time lies from now (s).
      run: fc.option(fc.record({ state: fc.constantFrom('pending', 'claimed', 'finished'), offset: fc.constantFrom(-600, -LEASE_SLACK_SECONDS - 5, -LEASE_SLACK_SECONDS + 5, -1, 20) }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(runArb, { maxLength: 12 }), async (tasks) => {
        await db.pool.query('TRUNCATE generation_tasks, ai_task_runs CASCADE');
        await db.pool.query('ALTER SEQUENCE generation_tasks_id_seq RESTART');
        const stuck: number[] = [];
        for (const [i, t] of tasks.entries()) {
          const id = i + 1;
          await db.pool.query(`INSERT INTO generation_tasks (requester_id, task_type, state, finished_at) VALUES (6, 'content', $1::varchar, CASE WHEN $1::varchar IN ('done', 'failed') THEN now() END)`, [t.state]);
          if (!t.run) continue;
          const at = `now() + make_interval(secs => ${t.run.offset})`;
          await db.pool.query(
            `INSERT INTO ai_task_runs (task_id, requester_id, state, max_attempts, next_attempt_at, lease_token, lease_until, finished_at)
             VALUES ($1, 6, $2, 4, ${t.run.state === 'pending' ? at : 'now()'}, ${t.run.state === 'claimed' ? 'gen_random_uuid()' : 'NULL'}, ${t.run.state === 'claimed' ? at : 'NULL'}, ${t.run.state === 'finished' ? 'now()' : 'NULL'})`,
            [id, t.run.state],
          );
          const unfinished = t.state === 'queued' || t.state === 'running';
          if (unfinished && (t.run.state === 'finished' || t.run.offset < -LEASE_SLACK_SECONDS)) stuck.push(id);
        }
        expect((await rule('ai-task-run-leased').check(sides, 'source')).map((b) => b.ids.generation_tasks![0])).toEqual(stuck);
      }),
      { numRuns: 30 },
    );
  });
});

describe('ficus reconcile M16: the monolith keeps the rules; planted breaches are reported on the side they are on', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const pools = new DatabasePools('ai-rules-test');
  const reconcile = () => reconcileModules({
    sourceUrl: legacy.url, modules: ['M16'], pools,
    serviceUrlFor: (name) => (name === 'ai' ? service.url : testClusterUrl('t_no_such_service_database')),
  });
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;

  beforeAll(async () => {
    // svc_ai stands as a backfilled copy: the monolith's rows under the same names, and the service's own queue.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
    for (const m of AI_MIGRATIONS.filter((x) => !x.id.startsWith('0001'))) await service.pool.query(m.sql);
  }, 120_000);
  afterAll(async () => {
    await pools.closeAll();
    await Promise.all([legacy?.drop(), service?.drop()]);
  });

  it("the monolith's data keeps every ai rule on both sides (its five running tasks are no queue's)", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => AI_RULES.some((b) => b.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual(
      AI_RULES.flatMap((r) => [`${r.id}/source: ok`, `${r.id}/target: ok`]).sort(),
    );
  });

  it('a done task without its finish time is reported on the service side only; a task whose lease lapsed long ago on both (the queue is svc_ai\'s, both copies unfinished)', async () => {
    const { rows: [done] } = await service.pool.query<{ id: number }>(`UPDATE generation_tasks SET finished_at = NULL WHERE id = (SELECT min(id) FROM generation_tasks WHERE state = 'done') RETURNING id`);
    const { rows: [queued] } = await service.pool.query<{ id: number }>(`UPDATE generation_tasks SET state = 'running' WHERE id = (SELECT min(id) FROM generation_tasks WHERE state = 'queued') RETURNING id`);
    await service.pool.query(`INSERT INTO ai_task_runs (task_id, requester_id, state, max_attempts, lease_token, lease_until) VALUES ($1, 6, 'claimed', 4, gen_random_uuid(), now() - interval '10 minutes')`, [queued!.id]);
    const report = await reconcile();
    expect(breaches(report, 'ai-task-finished-at-by-state', 'source')).toEqual([]);
    expect(breaches(report, 'ai-task-finished-at-by-state', 'target').map((b) => b.ids.generation_tasks)).toEqual([[done!.id]]);
    // The queue is svc_ai's; the monolith's copy of the task is queued, the service's running: both unfinished under a lapsed lease.
    expect(breaches(report, 'ai-task-run-leased', 'target').map((b) => b.ids.generation_tasks)).toEqual([[queued!.id]]);
    expect(breaches(report, 'ai-task-run-leased', 'source').map((b) => b.ids.generation_tasks)).toEqual([[queued!.id]]);
    expect(report.status).not.toBe('clean');
  });
});
