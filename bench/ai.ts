/**
 * The ai service's task queue and insight latency (issue 28, bar 4).
 *
 * Tasks/s through the queue: TASKS generation tasks are queued as POST /ai/content/generate
 * queues them (a generation_tasks row and its ai_task_runs row, one transaction each, M16's rows
 * in svc_ai), then the service's TaskWorker (domain/worker.ts, its default policy: 8 in flight,
 * SKIP LOCKED claims, 30 s leases renewed by heartbeat) runs them to done: action_run, the
 * provider, action_done, each under the lease. Timed from the worker's start to the last task done.
 * Two providers: the local one (templates, in process) and the OpenAI-compatible one against
 * the local stand-in over real HTTP (bench/support/openai-stand-in.ts; answering at once, or after
 * STAND_IN_DELAY_MS, 50 by default, as a fast model would).
 *
 * Baseline, measured in the same run, slices alternating: the same prompts through the same
 * provider at the same concurrency with no queue and no database (what the providers cost by
 * themselves). queue/baseline is the queue's price per task.
 *
 * Insight latency over a year of readings: bench/ai-insights.ts's measureInsightLatency (a2),
 * daily and hourly years, with its own baseline.
 *
 * Run: npx tsx bench/ai.ts [--tasks N] [--rounds N]   (defaults 400 and 3; ends with one JSON line)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../platform/logger.ts';
import { AI_MIGRATIONS } from '../services/ai/db/migrations.ts';
import { LocalProvider } from '../services/ai/domain/provider-local.ts';
import { OpenAiCompatibleProvider } from '../services/ai/domain/provider-openai.ts';
import type { AiProvider } from '../services/ai/domain/provider.ts';
import { DEFAULT_WORKER_POLICY, TaskWorker } from '../services/ai/domain/worker.ts';
import { runMigrations } from '../services/kit/db/migrations.ts';
import { KIT_MIGRATIONS } from '../services/kit/db/kit-migrations.ts';
import { startOpenAiStandIn } from './support/openai-stand-in.ts';
import { measureInsightLatency } from './ai-insights.ts';
import { round } from './support/measure.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!(value > 0)) throw new Error(`--${name} needs a positive number, got ${process.argv[at + 1]}`);
  return value;
};
const TASKS = argument('tasks', 400);
const ROUNDS = argument('rounds', 3);
const DELAY_MS = Number(process.env.STAND_IN_DELAY_MS ?? 50);
const CONCURRENCY = DEFAULT_WORKER_POLICY.concurrency;
const DATA_DIR = process.env.FICUS_BENCH_DIR ?? '/tmp/ficus-bench-ai';
const PORT = Number(process.env.FICUS_BENCH_PG_PORT ?? 54385);

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const PROMPTS = ['Summarise my last 30 days of glucose readings', '写一篇关于控糖饮食的科普文章', 'Suggest a coach for knee rehab', 'Is my blood pressure trend worrying?', '生成一周减脂食谱'];

interface Slice { tasksPerS: number; p50Ms: number; p99Ms: number; seconds: number }
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
await mkdir(DATA_DIR, { recursive: true });
const cluster = await startEmbeddedPostgres({ dataDir: DATA_DIR, port: PORT, logger });
const admin = new pg.Client({ connectionString: cluster.url('postgres') });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS ai_bench WITH (FORCE)');
await admin.query('CREATE DATABASE ai_bench');
const pool = new pg.Pool({ connectionString: cluster.url('ai_bench'), max: 16 });
// The cluster's stop ends idle connections: nothing to report then.
pool.on('error', () => undefined);
admin.on('error', () => undefined);
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
const standIn = await startOpenAiStandIn();
standIn.always({ kind: 'answer', delayMs: DELAY_MS });
let ok = false;
try {
  await runMigrations(pool, [...KIT_MIGRATIONS, ...AI_MIGRATIONS]);
  await pool.query(`INSERT INTO ai_models (id, name, provider, version, capability, active) VALUES (1, 'HealthWriter', 'in-house', '2.1', 'content', true), (2, 'DeepSeek Writer', 'DeepSeek', 'v3', 'content', true)`);
  const providers: Record<'local' | 'http', AiProvider> = {
    local: new LocalProvider(),
    http: new OpenAiCompatibleProvider({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, timeoutMs: 30_000 }),
  };

  /** TASKS tasks queued as the POST does, then the worker runs them all; per-task latency from the worker's start to each task's finish. */
  async function throughQueue(kind: 'local' | 'http'): Promise<Slice> {
    await pool.query('TRUNCATE ai_task_attempts, ai_task_runs, generation_tasks');
    for (let i = 0; i < TASKS; i++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: [task] } = await client.query(
          `INSERT INTO generation_tasks (model_id, requester_id, task_type, state, prompt, create_uid, write_uid, create_date, write_date)
           VALUES ($1, 6, 'content', 'queued', $2, 6, 6, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`, [kind === 'local' ? 1 : 2, PROMPTS[i % PROMPTS.length]]);
        await client.query('INSERT INTO ai_task_runs (task_id, requester_id, max_attempts) VALUES ($1, 6, $2)', [task.id, DEFAULT_WORKER_POLICY.maxAttempts]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    const worker = new TaskWorker({ db, legacyPool: null, log: logger, providers: { forModel: () => providers[kind] }, policy: DEFAULT_WORKER_POLICY, name: `bench-${kind}` });
    const started = performance.now();
    const startedAt = new Date();
    worker.kick();
    for (;;) {
      const { rows: [left] } = await pool.query(`SELECT count(*)::int AS n FROM ai_task_runs WHERE state <> 'finished'`);
      if (left.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();
    const { rows: states } = await pool.query(`SELECT state, count(*)::int AS n FROM generation_tasks GROUP BY state`);
    if (states.length !== 1 || states[0].state !== 'done' || states[0].n !== TASKS) throw new Error(`not every task done: ${JSON.stringify(states)}`);
    const { rows: latencies } = await pool.query<{ ms: number }>(`SELECT extract(epoch FROM finished_at - $1::timestamptz) * 1000 AS ms FROM ai_task_runs ORDER BY 1`, [startedAt]);
    const sorted = latencies.map((l) => Number(l.ms));
    return { tasksPerS: round(TASKS / seconds, 1), p50Ms: round(percentile(sorted, 0.5), 1), p99Ms: round(percentile(sorted, 0.99), 1), seconds: round(seconds, 2) };
  }

  /** The baseline: the same prompts through the same provider at the same concurrency, no queue, no database. */
  async function direct(kind: 'local' | 'http'): Promise<Slice> {
    let next = 0;
    const times: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < TASKS) {
        const i = next++;
        await providers[kind].generate({ taskType: 'content', prompt: PROMPTS[i % PROMPTS.length]!, model: { id: 2, name: 'DeepSeek Writer', version: 'v3' } });
        times.push(performance.now() - started);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    return { tasksPerS: round(TASKS / seconds, 1), p50Ms: round(percentile(times, 0.5), 1), p99Ms: round(percentile(times, 0.99), 1), seconds: round(seconds, 2) };
  }

  const loadAtStart = loadAverage();
  const slices: Record<string, Slice[]> = { 'local queue': [], 'local baseline': [], 'http queue': [], 'http baseline': [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternated within each round so the shared machine's load drifts hit every condition alike.
    slices['local baseline']!.push(await direct('local'));
    slices['local queue']!.push(await throughQueue('local'));
    slices['http baseline']!.push(await direct('http'));
    slices['http queue']!.push(await throughQueue('http'));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = Object.fromEntries(Object.entries(slices).map(([name, s]) => [name, {
    tasks_per_s: median(s.map((x) => x.tasksPerS)), p50_ms: median(s.map((x) => x.p50Ms)), p99_ms: median(s.map((x) => x.p99Ms)), rounds: s.map((x) => x.tasksPerS),
  }]));
  const loadAfterQueue = loadAverage();
  console.log(`\ngeneration tasks through the queue: ${TASKS} tasks per slice, ${ROUNDS} rounds, ${CONCURRENCY} in flight; stand-in answers after ${DELAY_MS} ms; ${os.cpus().length} cores`);
  console.log(`${'condition'.padEnd(18)}${'tasks/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}  per round`);
  for (const [name, f] of Object.entries(summary)) console.log(`${name.padEnd(18)}${String(f.tasks_per_s).padStart(10)}${String(f.p50_ms).padStart(10)}${String(f.p99_ms).padStart(10)}  ${f.rounds.join(', ')}`);

  const insights = await measureInsightLatency({ rounds: Number(process.env.INSIGHT_ROUNDS ?? 20) });
  console.log(`\ninsight latency over a year of readings (bench/ai-insights.ts): daily ${insights.daily.readings} readings p50 ${insights.daily.p50Ms} ms p95 ${insights.daily.p95Ms} ms (baseline ${insights.daily.baselineP50Ms} ms); hourly ${insights.hourly.readings} readings p50 ${insights.hourly.p50Ms} ms p95 ${insights.hourly.p95Ms} ms (baseline ${insights.hourly.baselineP50Ms} ms)`);
  const loadAtEnd = loadAverage();
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, after the queue ${loadAfterQueue.join(' ')}, end ${loadAtEnd.join(' ')}`);
  ok = true;
  console.log(JSON.stringify({
    bench: 'ai',
    cores: os.cpus().length,
    tasks_per_slice: TASKS,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    stand_in_delay_ms: DELAY_MS,
    queue: {
      local: summary['local queue'], local_baseline: summary['local baseline'],
      http: summary['http queue'], http_baseline: summary['http baseline'],
      // Throughput through the queue as a share of the same provider calls without one (as ec's impressions_over_baseline).
      local_queue_over_baseline: round(summary['local queue']!.tasks_per_s / Math.max(0.1, summary['local baseline']!.tasks_per_s), 4),
      http_queue_over_baseline: round(summary['http queue']!.tasks_per_s / Math.max(0.1, summary['http baseline']!.tasks_per_s), 2),
    },
    insights: { daily: insights.daily, hourly: insights.hourly, rounds: insights.rounds },
    load_avg: { start: loadAtStart, after_queue: loadAfterQueue, end: loadAtEnd },
    ok,
  }));
} finally {
  await standIn.close();
  await pool.end().catch(() => undefined);
  await admin.query('DROP DATABASE IF EXISTS ai_bench WITH (FORCE)').catch(() => undefined);
  await admin.end().catch(() => undefined);
  await cluster.stop();
}
process.exit(ok ? 0 : 1);
