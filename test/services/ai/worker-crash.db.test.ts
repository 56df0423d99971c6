import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_MIGRATIONS } from '../../../services/ai/db/migrations.ts';
import { localContent } from '../../../services/ai/domain/provider-local.ts';
import { runMigrations } from '../../../services/kit/db/migrations.ts';
import { KIT_MIGRATIONS } from '../../../services/kit/db/kit-migrations.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../support/openai-stand-in.ts';
import { BUNDLED_CHILD_ENV, bundleForChild } from '../support/bundle.ts';

const TASKS = 40;
const LEASE_MS = 1000;

interface Child {
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Issue 28 bar 3: generation tasks survive a worker crash. The worker runs in a child process
 * that is SIGKILLed mid-task (at each boundary where a crash could split a run, then at random
 * times), and another is started: every task ends done or failed, none stuck queued or running
 * (the dead worker's lease ends and the next one takes its runs over), and none is completed
 * twice (a trigger counts every write that finishes a task: exactly one per task). Once with
 * M16's rows in svc_ai (after cutover: outcome and queue in one transaction), once on the
 * monolith's side (before cutover: the outcome commits there just before svc_ai's run row).
 */
for (const home of ['service', 'legacy'] as const) {
  describe(`generation tasks survive SIGKILL of their worker, M16's rows ${home === 'service' ? 'in svc_ai' : 'on the monolith'}`, () => {
    let childScript = '';
    let queueDb: TestDatabase;
    let homeDb: TestDatabase;
    let standIn: OpenAiStandIn;
    const children: Child[] = [];

    function startChild(env: Record<string, string> = {}): Child {
      const proc = spawn(process.execPath, [childScript], {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env, ...BUNDLED_CHILD_ENV, AI_DB_URL: queueDb.url, ...(home === 'legacy' ? { LEGACY_DB_URL: homeDb.url } : {}),
          STAND_IN_URL: standIn.baseUrl, STAND_IN_KEY: standIn.apiKey, LEASE_MS: String(LEASE_MS), ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let markReady: () => void;
      const ready = new Promise<void>((resolve) => (markReady = resolve));
      proc.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) markReady();
      });
      proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
        proc.once('exit', (code, signal) => {
          markReady();
          resolve({ code, signal, output });
        }),
      );
      const child = { ready, exited, kill: (signal: NodeJS.Signals = 'SIGKILL') => void proc.kill(signal) };
      children.push(child);
      return child;
    }

    const states = async () => (await homeDb.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM generation_tasks GROUP BY state ORDER BY state')).rows;
    const unsettled = async () => (await homeDb.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM generation_tasks WHERE state IN ('queued', 'running')`)).rows[0]!.n;

    beforeAll(async () => {
      childScript = await bundleForChild('test/services/ai/worker-crash-child.ts');
      standIn = await startOpenAiStandIn();
      // The vendor's answers take 150-450 ms: kills land mid-call.
      standIn.always({ kind: 'answer', delayMs: 300 });
      queueDb = await emptyDatabase(`svc_ai_crash_${home}`);
      await runMigrations(queueDb.pool, [...KIT_MIGRATIONS, ...AI_MIGRATIONS]);
      homeDb = home === 'service' ? queueDb : await emptyDatabase('ai_crash_legacy');
      if (home === 'legacy') await runMigrations(homeDb.pool, AI_MIGRATIONS.filter((m) => m.id === '0001_ai_legacy_tables'));
      // Every write of a finished task (finishing it or after), counted: "result written once" is exactly one per task.
      await homeDb.pool.query(`
        CREATE TABLE task_finishes (task_id integer, state varchar, result text, at timestamptz DEFAULT clock_timestamp());
        CREATE FUNCTION count_finish() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.state IN ('done', 'failed') THEN
            INSERT INTO task_finishes (task_id, state, result) VALUES (NEW.id, NEW.state, NEW.result);
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER count_finish AFTER UPDATE ON generation_tasks FOR EACH ROW EXECUTE FUNCTION count_finish();
        INSERT INTO ai_models (id, name, provider, version, capability, active) VALUES (1, 'HealthWriter', 'in-house', '2.1', 'content', true), (2, 'DeepSeek Writer', 'DeepSeek', 'v3', 'content', true);
      `);
      for (let i = 0; i < TASKS; i++) {
        const { rows: [task] } = await homeDb.pool.query(
          `INSERT INTO generation_tasks (model_id, requester_id, task_type, state, prompt, create_uid, write_uid, create_date, write_date)
           VALUES ($1, 6, 'content', 'queued', $2, 6, 6, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
          [i % 2 ? 1 : 2, `task ${i}: a week of sleep and exercise`],
        );
        await queueDb.pool.query('INSERT INTO ai_task_runs (task_id, requester_id, max_attempts) VALUES ($1, 6, 10)', [task.id]);
      }
    }, 120_000);

    afterAll(async () => {
      for (const child of children) child.kill();
      await Promise.all(children.map((c) => c.exited));
      await standIn?.close();
      if (homeDb !== queueDb) await homeDb?.drop();
      await queueDb?.drop();
    });

    it('killed at every boundary of a run, then at random times, the workers that follow finish every task exactly once', async () => {
      for (const boundary of ['claimed', 'run-written', 'started', 'answered', 'outcome-written']) {
        const child = startChild({ CRASH_AT: `${boundary}:2` });
        const { signal, output } = await child.exited;
        expect({ boundary, signal, output }).toEqual({ boundary, signal: 'SIGKILL', output: 'ready\n' });
      }
      let killedWithTasksRunning = 0;
      for (let kill = 0; kill < 4; kill++) {
        const child = startChild();
        await child.ready;
        // A random moment, or sooner once a quarter of the tasks remain: a fast machine must still
        // leave the last worker runs to take over (a dead worker's leases), not an empty queue.
        const killAt = Date.now() + 300 + Math.floor(Math.random() * 700);
        while (Date.now() < killAt && (await unsettled()) > TASKS / 4) await new Promise((resolve) => setTimeout(resolve, 25));
        const { rows: [claimed] } = await queueDb.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ai_task_runs WHERE state = 'claimed'`);
        if (claimed!.n > 0) killedWithTasksRunning++;
        child.kill();
        expect((await child.exited).signal).toBe('SIGKILL');
      }
      expect(killedWithTasksRunning).toBeGreaterThan(0);
      expect(await unsettled()).toBeGreaterThan(0);

      const last = startChild();
      await last.ready;
      const until = Date.now() + 90_000;
      while ((await unsettled()) > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
      last.kill('SIGTERM');
      expect((await last.exited).code).toBe(0);

      // Every task ended done or failed; none queued or running; every run finished, no attempt left open.
      expect(await unsettled()).toBe(0);
      const ended = await states();
      expect(ended.reduce((sum, s) => sum + s.n, 0)).toBe(TASKS);
      expect(ended.every((s) => s.state === 'done' || s.state === 'failed')).toBe(true);
      const { rows: runs } = await queueDb.pool.query(`SELECT state, count(*)::int AS n FROM ai_task_runs GROUP BY state`);
      expect(runs).toEqual([{ state: 'finished', n: TASKS }]);
      const { rows: [{ open }] } = await queueDb.pool.query(`SELECT count(*)::int AS open FROM ai_task_attempts WHERE ended_at IS NULL`);
      expect(open).toBe(0);
      // Finished once: one finishing write per task, with the text its provider gives for its prompt.
      const { rows: finishes } = await homeDb.pool.query<{ task_id: number; n: number }>('SELECT task_id, count(*)::int AS n FROM task_finishes GROUP BY task_id');
      expect(finishes).toHaveLength(TASKS);
      expect(finishes.filter((f) => f.n !== 1)).toEqual([]);
      const { rows: done } = await homeDb.pool.query<{ prompt: string; result: string; model_id: number }>(`SELECT prompt, result, model_id FROM generation_tasks WHERE state = 'done'`);
      for (const task of done) expect(task.result).toBe(task.model_id === 1 ? localContent(task.prompt) : `Stand-in answer to: ${task.prompt}`);
      // Crashes cost attempts, never a second completion: some runs were taken over after a lost lease.
      const { rows: [{ lost, completed, superseded }] } = await queueDb.pool.query(
        `SELECT count(*) FILTER (WHERE outcome = 'lost')::int AS lost, count(*) FILTER (WHERE outcome = 'done')::int AS completed,
                count(*) FILTER (WHERE outcome = 'superseded')::int AS superseded FROM ai_task_attempts`);
      expect(lost).toBeGreaterThan(0);
      // A done task's run ended once: by the attempt that completed it, or, when the crash fell between the
      // monolith's commit of the outcome and svc_ai's (the outcome-written kill), by the next worker finding it done.
      expect(completed + superseded).toBe(done.length);
      const { rows: [{ twice }] } = await queueDb.pool.query(`SELECT count(*)::int AS twice FROM (SELECT task_id FROM ai_task_attempts WHERE outcome = 'done' GROUP BY task_id HAVING count(*) > 1) t`);
      expect(twice).toBe(0);
      if (home === 'service') expect(superseded).toBe(0);
      else expect(superseded).toBeGreaterThan(0);
      console.info(`[worker-crash ${home}] ${JSON.stringify({ tasks: TASKS, states: ended, lostAttempts: lost, supersededAfterCrash: superseded, killedWithTasksRunning })}`);
    }, 240_000);
  });
}
