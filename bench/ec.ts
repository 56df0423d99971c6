/**
 * Ec's hottest path (issue 25, bar 4): POST /ads/impressions. Batches of BATCH_SIZE impressions
 * (eventIds fresh, one in twenty a repeat, spread over CAMPAIGNS running campaigns with budgets
 * large enough to admit everything) posted by CONCURRENCY clients through ec's REST runtime on a
 * real port: HTTP, JSON, ajv, bearer token and ACL, the request's transaction, the ledger claim,
 * the campaigns' row locks, pacing, one UPDATE of spent and one INSERT per batch, commit with
 * fsync on. Against a baseline in the same run on the same database: the same rows as one plain
 * multi-row INSERT per batch into ad_impressions (what storing them costs with no HTTP, no
 * dedup, no pacing). Slices alternate (baseline, REST), ROUNDS of each, SLICE_SECONDS long.
 *
 * Per condition: impressions accepted per second, batch latency p50/p99, and CPU per impression
 * (this process's, and PostgreSQL's backends', read from /proc: the machine is shared, so whole-
 * machine CPU would count other work). Checks at the end, in SQL: every campaign's spent equals
 * the sum of its impressions' costs and is within its budget, and each (campaign, eventId) is
 * recorded once. Then the order p99 of bench/ec-orders.ts (ec-mall's measurement), if present.
 * Load average is printed with the figures.
 * Run: npx tsx bench/ec.ts [--seconds N]   (N seconds per slice, default 5; ends with one JSON line)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pg from 'pg';
import { Registry } from 'prom-client';
import { setWriteOwner } from '../migration/control/service-write-gate.ts';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { EC_MIGRATIONS } from '../services/ec/db/migrations.ts';
import ec from '../services/ec/index.ts';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../services/kit/runner/service-runtime.ts';
import { round, secondsArgument } from './support/measure.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-ec';
const BENCH_DIR = process.env.FICUS_BENCH_DIR;
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const BATCH_SIZE = Number(process.env.BATCH_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const CAMPAIGNS = Number(process.env.CAMPAIGNS ?? 50);
// A repeat names one of the 100 events before it, so about two per batch name the previous batch's,
// often still in flight: its claim then waits for that batch's commit. REPEATS_WITHIN_BATCH=1 keeps
// repeats inside their own batch (a diagnosis of that wait, not the bar's workload).
const REPEATS_WITHIN_BATCH = process.env.REPEATS_WITHIN_BATCH === '1';
const GOAL_PER_SECOND = 20_000;
const ADMIN = 2;
const LEGACY_DATABASE = 'ec_bench_legacy';
const SERVICE_DATABASE = 'ec_bench_svc';

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54395));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${LEGACY_DATABASE} TEMPLATE legacy`);
await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
const legacyUrl = bench.cluster.url(LEGACY_DATABASE);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);
const legacyPool = new pg.Pool({ connectionString: legacyUrl, max: 4 });
const servicePool = new pg.Pool({ connectionString: serviceUrl, max: CONCURRENCY + 2 });
legacyPool.on('error', () => undefined);
servicePool.on('error', () => undefined);

/** CPU seconds (user + system) of PostgreSQL's processes: the postmaster's children, from /proc. */
function postgresCpuSeconds(): number {
  const pidFile = path.join(BENCH_DIR, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return 0;
  const postmaster = readFileSync(pidFile, 'utf8').split('\n')[0]!.trim();
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[1] !== postmaster && entry !== postmaster) continue;
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      // a process that ended while we read
    }
  }
  return total;
}
const nodeCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

interface Item { eventId: string; campaignId: number }
interface Condition { name: 'baseline' | 'rest'; accepted: number; seconds: number; latencies: number[]; nodeCpu: number; pgCpu: number }

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

let ok = false;
let server: Awaited<ReturnType<typeof listen>> | undefined;
let runtime: Awaited<ReturnType<typeof startServiceRuntime>> | undefined;
let transport: EmbeddedTransport | undefined;
try {
  await provisionServiceDatabase(serviceUrl, EC_MIGRATIONS);
  await copyServiceBackfill(legacyPool, serviceUrl, 'ec', ['ad_campaigns', 'ad_impressions']);
  await setWriteOwner(servicePool, 'M10', 'service', null);
  const { rows: created } = await servicePool.query<{ id: number }>(
    `INSERT INTO ad_campaigns (name, currency_id, state, budget, spent, bid_cpm, create_uid, write_uid, create_date, write_date)
     SELECT 'Bench campaign ' || g, 6, 'running', 100000000, 0, 10 + g % 40, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC'
       FROM generate_series(1, $1::int) g RETURNING id`,
    [CAMPAIGNS],
  );
  const campaignIds = created.map((r) => r.id);

  const metrics = new Registry();
  const keys = newSigningKeySet();
  transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  runtime = await startServiceRuntime(ec, { databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:ec:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool });
  const app = express();
  app.use(runtime.router);
  server = await listen(app, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.port}/ads/impressions`;
  const token = issueToken(keys, { userId: ADMIN });

  let next = 0;
  const batchOf = (): Item[] =>
    Array.from({ length: BATCH_SIZE }, (_, i) => {
      const n = i % 20 === 19 && next > 100 && (!REPEATS_WITHIN_BATCH || i >= 100) ? next - 1 - ((i * 7919) % 100) : next++;
      return { eventId: `bench-${n}`, campaignId: campaignIds[n % campaignIds.length]! };
    });

  // The clients post over node:http with kept-alive connections, not fetch: they share this process
  // (and its CPU figure) with the server, and undici's fetch cost ~5 µs of CPU per impression at
  // this batch size, which is the load generator's, not the service's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const postBatch = (items: Item[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify({ items }));
      const request = http.request(url, {
        method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${token}` },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return reject(new Error(`POST /ads/impressions answered ${response.statusCode}: ${text}`));
          resolve((JSON.parse(text) as { accepted: number }).accepted);
        });
      });
      request.on('error', reject);
      request.end(payload);
    });
  // The baseline: the same rows, one plain multi-row INSERT each batch, the costs precomputed.
  const insertBatch = async (items: Item[]): Promise<number> => {
    await servicePool.query(
      `INSERT INTO ad_impressions (campaign_id, user_id, currency_id, cost, clicked, shown_at, create_uid, write_uid, create_date, write_date)
       SELECT c, NULL, 6, 0.02, false, date_trunc('second', now() at time zone 'UTC'), 2, 2, now() at time zone 'UTC', now() at time zone 'UTC'
         FROM unnest($1::int4[]) AS t(c)`,
      [items.map((i) => i.campaignId)],
    );
    return items.length;
  };

  const runSlice = async (name: Condition['name'], send: (items: Item[]) => Promise<number>): Promise<Condition> => {
    const latencies: number[] = [];
    let accepted = 0;
    const cpu0 = nodeCpuSeconds();
    const pg0 = postgresCpuSeconds();
    const started = performance.now();
    const end = started + SLICE_SECONDS * 1000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const items = batchOf();
        const t = performance.now();
        const recorded = await send(items);
        latencies.push(performance.now() - t);
        accepted += recorded;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    return { name, accepted, seconds, latencies, nodeCpu: nodeCpuSeconds() - cpu0, pgCpu: postgresCpuSeconds() - pg0 };
  };

  // Warm-up: JIT, connections, schema caches.
  for (let i = 0; i < 3; i += 1) await postBatch(batchOf());
  const slices: Condition[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    slices.push(await runSlice('baseline', insertBatch));
    slices.push(await runSlice('rest', postBatch));
  }
  agent.destroy();

  const figures = (name: Condition['name']) => {
    const of = slices.filter((s) => s.name === name);
    const accepted = of.reduce((n, s) => n + s.accepted, 0);
    const seconds = of.reduce((n, s) => n + s.seconds, 0);
    const latencies = of.flatMap((s) => s.latencies).sort((a, b) => a - b);
    const nodeCpu = of.reduce((n, s) => n + s.nodeCpu, 0);
    const pgCpu = of.reduce((n, s) => n + s.pgCpu, 0);
    return {
      impressions_per_s: round(accepted / seconds, 0),
      batches: latencies.length,
      batch_p50_ms: round(percentile(latencies, 50), 1),
      batch_p99_ms: round(percentile(latencies, 99), 1),
      node_cpu_us_per_impression: round((nodeCpu * 1e6) / Math.max(1, accepted), 1),
      postgres_cpu_us_per_impression: round((pgCpu * 1e6) / Math.max(1, accepted), 1),
    };
  };
  const baseline = figures('baseline');
  const rest = figures('rest');

  // Checks, in SQL: spent = sum(cost) within budget for every bench campaign; one impression per ledger key.
  const { rows: [check] } = await servicePool.query<{ wrong_spent: number; over_budget: number; impressions: number; ledger: number }>(
    `SELECT (SELECT count(*)::int FROM ad_campaigns a WHERE a.id = ANY($1::int4[])
               AND a.spent IS DISTINCT FROM (SELECT COALESCE(sum(i.cost), 0) FROM ad_impressions i JOIN ec_impression_events l ON l.impression_id = i.id WHERE i.campaign_id = a.id)) AS wrong_spent,
            (SELECT count(*)::int FROM ad_campaigns a WHERE a.id = ANY($1::int4[]) AND a.spent > a.budget) AS over_budget,
            (SELECT count(*)::int FROM ad_impressions i JOIN ec_impression_events l ON l.impression_id = i.id) AS impressions,
            (SELECT count(*)::int FROM ec_impression_events) AS ledger`,
    [campaignIds],
  );
  const restAccepted = slices.filter((s) => s.name === 'rest').reduce((n, s) => n + s.accepted, 0);

  // The order p99: ec-mall's measurement (bench/ec-orders.ts exports it), run on this cluster after the impressions.
  let orders: { p50Ms: number; p99Ms: number; perSecond: number } | null = null;
  let ordersNote = 'bench/ec-orders.ts not present yet';
  const ordersModulePath = './ec-orders.ts';
  if (existsSync(new URL(ordersModulePath, import.meta.url))) {
    const module = (await import(ordersModulePath)) as { measureOrderP99?: (options: { seconds: number; clusterUrl: (db: string) => string }) => Promise<{ p50Ms: number; p99Ms: number; perSecond: number }> };
    if (typeof module.measureOrderP99 === 'function') {
      orders = await module.measureOrderP99({ seconds: SLICE_SECONDS, clusterUrl: (db) => bench.cluster.url(db) });
      ordersNote = 'bench/ec-orders.ts measureOrderP99';
    } else {
      ordersNote = 'bench/ec-orders.ts exports no measureOrderP99';
    }
  }

  const loadAtEnd = loadAverage();
  ok = check!.wrong_spent === 0 && check!.over_budget === 0 && check!.impressions === check!.ledger && rest.impressions_per_s > 0;

  console.log(`\nPOST /ads/impressions: batches of ${BATCH_SIZE} over ${CAMPAIGNS} campaigns, ${CONCURRENCY} clients, ${ROUNDS} rounds of ${SLICE_SECONDS} s per condition; ${os.cpus().length} cores`);
  console.log(`${'condition'.padEnd(44)}${'impr/s'.padStart(9)}${'batch p50'.padStart(11)}${'batch p99'.padStart(11)}${'node µs/impr'.padStart(14)}${'pg µs/impr'.padStart(12)}`);
  for (const [name, f] of [['baseline (plain multi-row INSERT per batch)', baseline], ['POST /ads/impressions (dedup + pacing)', rest]] as const) {
    console.log(`${name.padEnd(44)}${String(f.impressions_per_s).padStart(9)}${f.batch_p50_ms.toFixed(1).padStart(11)}${f.batch_p99_ms.toFixed(1).padStart(11)}${f.node_cpu_us_per_impression.toFixed(1).padStart(14)}${f.postgres_cpu_us_per_impression.toFixed(1).padStart(12)}`);
  }
  console.log(`goal ${GOAL_PER_SECOND}/s: ${rest.impressions_per_s >= GOAL_PER_SECOND ? 'met' : 'NOT met'}; REST at ${round(rest.impressions_per_s / Math.max(1, baseline.impressions_per_s), 2)} of the baseline`);
  console.log(`checks: campaigns with spent != sum(cost) ${check!.wrong_spent}, over budget ${check!.over_budget}; impressions ${check!.impressions} = ledger ${check!.ledger}; accepted over REST ${restAccepted}`);
  console.log(orders ? `mall orders (${ordersNote}): ${round(orders.perSecond, 0)}/s, p50 ${round(orders.p50Ms, 1)} ms, p99 ${round(orders.p99Ms, 1)} ms` : `mall orders: ${ordersNote}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);
  console.log(JSON.stringify({
    bench: 'ec',
    cores: os.cpus().length,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    batch_size: BATCH_SIZE,
    concurrency: CONCURRENCY,
    campaigns: CAMPAIGNS,
    repeats_within_batch: REPEATS_WITHIN_BATCH,
    baseline,
    impressions: rest,
    impressions_over_baseline: round(rest.impressions_per_s / Math.max(1, baseline.impressions_per_s), 2),
    goal_per_s: GOAL_PER_SECOND,
    goal_met: rest.impressions_per_s >= GOAL_PER_SECOND,
    order_p99_ms: orders ? round(orders.p99Ms, 1) : null,
    orders_note: ordersNote,
    checks: { wrong_spent: check!.wrong_spent, over_budget: check!.over_budget, impressions: check!.impressions, ledger: check!.ledger },
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  await server?.close(1000).catch(() => undefined);
  await runtime?.stop().catch(() => undefined);
  await transport?.close().catch(() => undefined);
  await legacyPool.end().catch(() => undefined);
  await servicePool.end().catch(() => undefined);
  for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await bench.stop();
}
process.exit(ok ? 0 : 1);
