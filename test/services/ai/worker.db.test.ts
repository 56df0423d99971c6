import { Writable } from 'node:stream';
import { Kysely, PostgresDialect } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AI_MIGRATIONS } from '../../../services/ai/db/migrations.ts';
import { providerChoice } from '../../../services/ai/domain/provider-choice.ts';
import type { AiProvider, GenerationRequest } from '../../../services/ai/domain/provider.ts';
import { claimRuns } from '../../../services/ai/domain/task-runs.ts';
import { onKysely } from '../../../services/ai/db/sql-runner.ts';
import { TaskWorker, type WorkerPolicy } from '../../../services/ai/domain/worker.ts';
import { runMigrations } from '../../../services/kit/db/migrations.ts';
import { KIT_MIGRATIONS } from '../../../services/kit/db/kit-migrations.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../support/openai-stand-in.ts';

const policy = (extra: Partial<WorkerPolicy> = {}): WorkerPolicy => ({ maxAttempts: 3, backoffMs: () => 20, leaseMs: 600, heartbeatMs: 200, concurrency: 4, ...extra });

/**
 * The task worker's queue rules, in process against svc_ai (M16's rows there): two workers never
 * run one task at once (SKIP LOCKED claims), a worker whose lease was taken over writes nothing,
 * attempts a crash spent are counted, an Odoo client's action_fail meanwhile stands, and the
 * provider's key never reaches the log.
 */
describe('the ai task worker on svc_ai', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let standIn: OpenAiStandIn;
  const logLines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } }));
  const workers: TaskWorker[] = [];
  const worker = (options: { policy?: WorkerPolicy; providers?: ReturnType<typeof providerChoice>; name?: string } = {}) => {
    const w = new TaskWorker({ db, legacyPool: null, log, providers: options.providers ?? providerChoice({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, timeoutMs: 5_000 }), policy: options.policy ?? policy(), ...(options.name ? { name: options.name } : {}) });
    workers.push(w);
    return w;
  };
  const enqueue = async (count: number, model: 1 | 2 = 2, maxAttempts = 3) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const { rows: [task] } = await database.pool.query(
        `INSERT INTO generation_tasks (model_id, requester_id, task_type, state, prompt) VALUES ($1, 6, 'content', 'queued', $2) RETURNING id`, [model, `prompt ${Date.now()} ${i}`]);
      await database.pool.query('INSERT INTO ai_task_runs (task_id, requester_id, max_attempts) VALUES ($1, 6, $2)', [task.id, maxAttempts]);
      ids.push(task.id);
    }
    return ids;
  };
  const task = async (id: number) => (await database.pool.query('SELECT state, result, error FROM generation_tasks WHERE id = $1', [id])).rows[0];
  const until = async (check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out; worker log: ${logLines.slice(-5).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    database = await emptyDatabase('svc_ai_worker');
    await runMigrations(database.pool, [...KIT_MIGRATIONS, ...AI_MIGRATIONS]);
    await database.pool.query(`INSERT INTO ai_models (id, name, provider, version, capability, active) VALUES (1, 'HealthWriter', 'in-house', '2.1', 'content', true), (2, 'DeepSeek Writer', 'DeepSeek', 'v3', 'content', true)`);
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: database.pool }) });
    standIn = await startOpenAiStandIn();
  }, 120_000);
  beforeEach(() => {
    standIn.always({ kind: 'answer' });
  });
  afterAll(async () => {
    for (const w of workers) await w.stop({ abandon: true });
    await standIn?.close();
    await database?.drop();
  });

  it('two workers over one queue: every task runs once (one provider call each, SKIP LOCKED claims), all done', async () => {
    standIn.always({ kind: 'answer', delayMs: 50 });
    const ids = await enqueue(30);
    const before = standIn.requests.length;
    const [a, b] = [worker({ name: 'a' }), worker({ name: 'b' })];
    a.kick();
    b.kick();
    await until(async () => (await database.pool.query(`SELECT count(*)::int AS n FROM generation_tasks WHERE id = ANY($1) AND state = 'done'`, [ids])).rows[0].n === ids.length);
    await Promise.all([a.stop(), b.stop()]);
    expect(standIn.requests.length - before).toBe(ids.length);
    const { rows } = await database.pool.query(`SELECT worker, count(*)::int AS n FROM ai_task_attempts WHERE task_id = ANY($1) GROUP BY worker ORDER BY worker`, [ids]);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(ids.length);
    expect(rows.map((r) => r.worker)).toEqual(['a', 'b']);
  });

  it('a hung worker whose lease ended is taken over; its late answer is refused and the task keeps the other\'s result', async () => {
    const [id] = await enqueue(1);
    // The hung worker's provider answers after 1.5 s, and it never renews its 300 ms lease.
    let release: () => void = () => undefined;
    const slow: AiProvider = { name: 'hung', generate: () => new Promise((resolve) => { release = () => resolve({ text: 'late answer', provider: 'hung', method: 'chat-completion', model: 'x' }); }) };
    const hung = worker({ name: 'hung', providers: { forModel: () => slow }, policy: policy({ leaseMs: 300, heartbeatMs: 60_000, concurrency: 1 }) });
    const hungRun = (await claimRuns(onKysely(db), 1, 300, 'hung'))[0]!;
    const hungOutcome = hung.process(hungRun);
    await until(async () => (await task(id!)).state === 'running');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const rescuer = worker({ name: 'rescuer' });
    rescuer.kick();
    await until(async () => (await task(id!)).state === 'done');
    release();
    expect(await hungOutcome).toBe('lost');
    await rescuer.stop();
    expect(await task(id!)).toMatchObject({ state: 'done', result: expect.stringMatching(/^Stand-in answer to: /) });
    const { rows } = await database.pool.query('SELECT worker, outcome FROM ai_task_attempts WHERE task_id = $1 ORDER BY attempt', [id]);
    expect(rows).toEqual([{ worker: 'hung', outcome: 'lost' }, { worker: 'rescuer', outcome: 'done' }]);
  });

  it('attempts a crash spent count: a run taken over after its last attempt fails the task (attempts_exhausted)', async () => {
    const [id] = await enqueue(1, 2, 1);
    // A worker claimed it and died (its lease ended): the one attempt allowed is spent.
    await claimRuns(onKysely(db), 1, 1, 'dead');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = standIn.requests.length;
    const w = worker({ name: 'next' });
    w.kick();
    await until(async () => (await task(id!)).state === 'failed');
    await w.stop();
    expect((await task(id!)).error).toMatch(/^attempts_exhausted/);
    expect(standIn.requests.length).toBe(before);
  });

  it('a stopping service gives its runs back at once: provider calls aborted, runs due again, the attempt given back; the next worker finishes them', async () => {
    standIn.always({ kind: 'answer', delayMs: 3_000 });
    const ids = await enqueue(2);
    const before = standIn.requests.length;
    const stopping = worker({ name: 'stopping' });
    stopping.kick();
    await until(async () => standIn.requests.length - before === 2);
    const started = Date.now();
    await stopping.stop({ abandon: true });
    expect(Date.now() - started).toBeLessThan(1_500);
    const { rows: runs } = await database.pool.query(`SELECT state, attempts, max_attempts, lease_token, next_attempt_at <= now() AS due FROM ai_task_runs WHERE task_id = ANY($1)`, [ids]);
    const givenBack = { state: 'pending', attempts: 1, max_attempts: 4, lease_token: null, due: true };
    expect(runs).toEqual([givenBack, givenBack]);
    expect((await task(ids[0]!)).state).toBe('running');
    standIn.always({ kind: 'answer' });
    const next = worker({ name: 'next start' });
    next.kick();
    await until(async () => (await task(ids[0]!)).state === 'done' && (await task(ids[1]!)).state === 'done');
    await next.stop();
    const { rows: attempts } = await database.pool.query(`SELECT worker, outcome, error FROM ai_task_attempts WHERE task_id = $1 ORDER BY id`, [ids[0]]);
    expect(attempts).toEqual([{ worker: 'stopping', outcome: 'lost', error: 'worker stopped' }, { worker: 'next start', outcome: 'done', error: null }]);
  });

  it('an Odoo client\'s action_fail while the provider works stands: the worker\'s answer is dropped (superseded)', async () => {
    standIn.always({ kind: 'answer', delayMs: 500 });
    const [id] = await enqueue(1);
    const w = worker({ name: 'busy' });
    w.kick();
    await until(async () => (await task(id!)).state === 'running');
    await database.pool.query(`UPDATE generation_tasks SET state = 'failed', error = 'stopped by an operator' WHERE id = $1`, [id]);
    await until(async () => (await database.pool.query(`SELECT state FROM ai_task_runs WHERE task_id = $1`, [id])).rows[0].state === 'finished');
    await w.stop();
    expect(await task(id!)).toEqual({ state: 'failed', result: null, error: 'stopped by an operator' });
    expect((await database.pool.query('SELECT outcome FROM ai_task_attempts WHERE task_id = $1', [id])).rows).toEqual([{ outcome: 'superseded' }]);
  });

  it('a task deleted before it ran ends its run (task_missing); a provider that throws something unexpected is retried as transient', async () => {
    const [gone, flaky] = await enqueue(2, 1);
    await database.pool.query('DELETE FROM generation_tasks WHERE id = $1', [gone]);
    let calls = 0;
    const local = providerChoice(null).forModel('in-house');
    const odd: AiProvider = { name: 'odd', generate: async (request: GenerationRequest) => (++calls === 1 ? Promise.reject(new TypeError('boom')) : local.generate(request)) };
    const w = worker({ name: 'odd', providers: { forModel: () => odd } });
    w.kick();
    await until(async () => (await task(flaky!)).state === 'done');
    await until(async () => (await database.pool.query(`SELECT state FROM ai_task_runs WHERE task_id = $1`, [gone])).rows[0].state === 'finished');
    await w.stop();
    expect((await database.pool.query(`SELECT last_error FROM ai_task_runs WHERE task_id = $1`, [gone])).rows[0].last_error).toBe('task_missing');
    expect((await database.pool.query(`SELECT attempts FROM ai_task_runs WHERE task_id = $1`, [flaky])).rows[0].attempts).toBe(2);
  });

  it('the provider\'s key never reaches the log or the task: a refused key, and an endpoint echoing the key in a 500', async () => {
    const wrongKey = 'sk-live-never-log-me';
    const [refused] = await enqueue(1, 1);
    const [echoed] = await enqueue(1, 2);
    standIn.next({ kind: 'status', status: 500, body: { error: { message: `bad key ${standIn.apiKey}` } } });
    const refusing = providerChoice({ baseUrl: standIn.baseUrl, apiKey: wrongKey, timeoutMs: 2_000 }).forModel('DeepSeek');
    const right = providerChoice({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, timeoutMs: 2_000 }).forModel('DeepSeek');
    // Model 1 (labelled in-house) goes to the wrong key here, model 2 to the right one.
    const w = worker({ name: 'keys', providers: { forModel: (label) => (label === 'in-house' ? refusing : right) } });
    w.kick();
    await until(async () => (await task(refused!)).state === 'failed' && (await task(echoed!)).state === 'done');
    await w.stop();
    expect((await task(refused!)).error).toMatch(/^provider_unauthorized/);
    const { rows: attempts } = await database.pool.query('SELECT outcome, error FROM ai_task_attempts WHERE task_id = $1 ORDER BY attempt', [echoed]);
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'done']);
    expect(attempts[0].error).toMatch(/^provider_http_500/);
    const logged = logLines.join('\n');
    expect(logged).toContain('provider_unauthorized');
    expect(logged).toContain('provider_http_500');
    const everything = `${logged} ${JSON.stringify(await task(refused!))} ${JSON.stringify(attempts)}`;
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(standIn.apiKey);
  });
});
