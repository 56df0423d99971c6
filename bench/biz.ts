/**
 * The biz service's hottest read while its hottest write path runs (issue 24, bar 4): coaches'
 * GET /biz/dashboard of the current month while the workbench's events stream in at
 * EVENTS_PER_SECOND (1,000/s by default), against the same reads with no events flowing, in the
 * same run (the baseline).
 *
 * The service runs as `ficus serve biz` does owning M03 (its dashboards in svc_biz), the router
 * the gateway mounts for REST on a real port, over svc_biz as a backfill leaves it, in the bench's
 * own cluster (FICUS_BENCH_DIR, default /tmp/ficus-bench-biz, port FICUS_BENCH_PG_PORT, default
 * 54391). The events come the production way: a publisher's outbox (a stand-in for trade, biz and
 * finance, its own database), the embedded transport, biz's consumer group `biz-dashboard` with
 * the kit's inbox, domain/dashboard-events.ts's handlers. They are those of the drill: service
 * orders completed (60 %), ratings, streams started and ended, members joining groups, gifts in
 * streams, spread over the 40 coaches' current month, so the read rows are the written ones.
 *
 * Slices alternate, quiet then streaming then quiet..., ROUNDS of each, SLICE_SECONDS long; the
 * streaming slices' reads are measured while the producer runs (it starts a second before). Per
 * condition: reads/s, p50/p99, CPU ms per read (this process: HTTP + handlers; PostgreSQL's
 * tree). For the stream: events published and handled per second, and the lag left when it stops.
 * After the run every coach's month is checked against the events sent (orders, revenue, clients).
 * Run: npx tsx bench/biz.ts [--seconds N]   (N seconds per slice, default 5; ends with one JSON line)
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pg from 'pg';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { setWriteOwner } from '../migration/control/service-write-gate.ts';
import { BIZ_MIGRATIONS } from '../services/biz/db/migrations.ts';
import type { BizDatabase } from '../services/biz/db/tables.ts';
import { DASHBOARD_SUBSCRIPTIONS } from '../services/biz/domain/dashboard-events.ts';
import { periodOf } from '../services/biz/domain/dashboard-period.ts';
import biz from '../services/biz/index.ts';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../services/kit/bus/service-bus.ts';
import { MemoryCache } from '../services/kit/cache/memory-cache.ts';
import { openServiceDatabase } from '../services/kit/db/database.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import type { NewEvent } from '../services/kit/index.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../services/kit/runner/service-runtime.ts';
import { processCpuMs } from './support/cpu-time.ts';
import { round, secondsArgument } from './support/measure.ts';
import { cpuMsOfTreeWithReaped } from './support/tree-cpu-with-reaped.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-biz';
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(5);
const ROUNDS = 3;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const EVENTS_PER_SECOND = Number(process.env.EVENTS_PER_SECOND ?? 1000);
/** The producer writes its outbox every TICK_MS (one transaction of EVENTS_PER_SECOND × TICK_MS / 1000 events). */
const TICK_MS = 50;
const COACHES = Array.from({ length: 40 }, (_, i) => 246 + i);
const SERVICE_DATABASE = 'biz_dashboard_bench_svc';
const PRODUCER_DATABASE = 'biz_dashboard_bench_events';
const BIZ_TABLES = ['biz_dashboards', 'live_streams', 'community_groups', 'members'];
/** Ids far above the seeded ones, so no event meets a seeded record. */
const FIRST_ID = 10_000_000;

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54391));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
for (const name of [SERVICE_DATABASE, PRODUCER_DATABASE]) {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
}
const dataDirectory = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
const postmasterPid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);

/** What the events told, per coach, for the check at the end. */
const sent = new Map<number, { orders: number; revenueCents: number; clients: Set<number> }>();
let nextId = FIRST_ID;
const now = () => new Date().toISOString();

/** One event of the drill's mix, about the current month. */
function drillEvent(): NewEvent {
  const coach = COACHES[Math.floor(Math.random() * COACHES.length)]!;
  const id = nextId++;
  const roll = Math.random();
  if (roll < 0.6) {
    const cents = 1000 + Math.floor(Math.random() * 90_000);
    const customer = 6 + Math.floor(Math.random() * 240);
    const tally = sent.get(coach) ?? { orders: 0, revenueCents: 0, clients: new Set<number>() };
    tally.orders += 1;
    tally.revenueCents += cents;
    tally.clients.add(customer);
    sent.set(coach, tally);
    return { type: 'service_completed', subject: `hp.service.order/${id}`, data: { orderId: id, customerId: customer, healthWorkerId: coach, serviceId: null, amount: (cents / 100).toFixed(2), currency: 'CNY', completedAt: now() } };
  }
  if (roll < 0.7) return { type: 'service_rated', subject: `hp.rating/${id}`, data: { ratingId: id, coachId: coach, orderId: id - 1, raterId: 6, score: 1 + Math.floor(Math.random() * 5) as 1, ratedAt: now() } };
  if (roll < 0.8) return { type: 'live_started', subject: `hp.live.stream/${id}`, data: { streamId: id, hostId: coach, title: 'Bench live', startedAt: now() } };
  if (roll < 0.85) return { type: 'live_ended', subject: `hp.live.stream/${id}`, data: { streamId: id, hostId: coach, startedAt: now(), endedAt: now(), revenue: '120.50', currency: 'CNY', viewerPeak: 40 } };
  if (roll < 0.93) return { type: 'community_member_changed', subject: `hp.community.member/${id}`, data: { memberId: id, groupId: 1, userId: 6 + (id % 240), groupOwnerId: coach, role: 'member', state: 'active', joinedAt: now() } };
  return { type: 'gift_sent', subject: `hp.gift.order/${id}`, data: { giftOrderId: id, giftId: 1, senderId: 6 + (id % 240), receiverId: coach, streamId: id - 1, quantity: 1, pointsSpent: 10 } };
}

const resources: { close(): Promise<unknown> }[] = [];
let ok = false;
try {
  await provisionServiceDatabase(serviceUrl, BIZ_MIGRATIONS);
  await copyServiceBackfill(bench.legacyPool, serviceUrl, 'biz', BIZ_TABLES);
  const serviceSetup = new pg.Pool({ connectionString: serviceUrl, max: 2 });
  await setWriteOwner(serviceSetup, 'M03', 'service', null);
  await serviceSetup.end();

  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  resources.push({ close: () => transport.close() });
  const producerDb = await openServiceDatabase<any>({ url: bench.cluster.url(PRODUCER_DATABASE), service: 'trade', logger, migrations: [] });
  resources.push({ close: () => producerDb.close() });
  const producer = new ServiceBus({ service: 'trade', database: producerDb, publishes: DASHBOARD_SUBSCRIPTIONS.map((s) => s.type), transport, logger, metrics: kitMetrics(new Registry()) });
  await producer.startPublishing();

  const runtime = await startServiceRuntime<BizDatabase>(biz, {
    databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:biz:'), keys: localKeyLookup(() => keys), logger, metrics,
  });
  resources.push({ close: () => runtime.stop() });
  // The workbench's consumer group, as biz's events.ts lists it (subscribed here when it does not yet).
  if (!biz.subscriptions.some((s) => s.group === 'biz-dashboard')) for (const s of DASHBOARD_SUBSCRIPTIONS) runtime.bus.subscribe(s.type, s.group!, s.handler);
  await runtime.startPublishing();
  await runtime.startConsuming();
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  resources.push({ close: () => server.close(1000) });
  const http = new Pool(`http://127.0.0.1:${server.port}`, { connections: CONCURRENCY * 2, pipelining: 1 });
  resources.push(http);
  const servicePool = new pg.Pool({ connectionString: serviceUrl, max: 2 });
  resources.push({ close: () => servicePool.end() });

  const period = periodOf(new Date());
  const month = period.slice(0, 7);
  const tokens = new Map(COACHES.map((uid) => [uid, issueToken(keys, { userId: uid }, 7200)]));
  let readNo = 0;
  const read = async () => {
    const coach = COACHES[readNo++ % COACHES.length]!;
    const answer = await http.request({ path: `/biz/dashboard?period=${month}`, method: 'GET', headers: { authorization: `Bearer ${tokens.get(coach)}` } });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`GET /biz/dashboard answered ${answer.statusCode}: ${text.slice(0, 300)}`);
  };
  const handled = async () => Number((await servicePool.query<{ n: string }>(`SELECT count(*) AS n FROM inbox WHERE consumer_group = 'biz-dashboard'`)).rows[0]!.n);

  let published = 0;
  /** Writes the outbox at EVENTS_PER_SECOND until stopped, on schedule (a late tick writes what it owes). */
  const startProducer = () => {
    let stopped = false;
    let producedHere = 0;
    const started = performance.now();
    const done = (async () => {
      while (!stopped) {
        const owed = Math.floor(((performance.now() - started) / 1000) * EVENTS_PER_SECOND) - producedHere;
        if (owed > 0) {
          const events = Array.from({ length: owed }, drillEvent);
          await producerDb.db.transaction().execute((tx) => producer.publishMany(tx, events));
          producedHere += owed;
          published += owed;
        }
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
    })();
    return async () => {
      stopped = true;
      await done;
      return { produced: producedHere, seconds: (performance.now() - started) / 1000 };
    };
  };

  /** Reads for `seconds`, CONCURRENCY at a time; latencies and CPU appended to `into`. */
  const readFor = async (seconds: number, into: { latencies: number[]; seconds: number; cpuNode: number; cpuPostgres: number }) => {
    const cpuBefore = { node: processCpuMs(process.pid), postgres: cpuMsOfTreeWithReaped(postmasterPid) };
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await read();
        into.latencies.push(performance.now() - t);
      }
    }));
    into.seconds += (performance.now() - started) / 1000;
    into.cpuNode += processCpuMs(process.pid) - cpuBefore.node;
    into.cpuPostgres += cpuMsOfTreeWithReaped(postmasterPid) - cpuBefore.postgres;
  };
  const dirty = async () => Number((await servicePool.query<{ n: string }>('SELECT count(*) AS n FROM dashboard_dirty')).rows[0]!.n);
  /** Until every event published is handled and every month it marked is projected (a projection's claim commits with its writes). */
  const drain = async (target: number, limitMs: number) => {
    const started = performance.now();
    let last = -1;
    let still = started;
    for (;;) {
      const now = await handled();
      if (now !== last) [last, still] = [now, performance.now()];
      const settled = (now >= target || performance.now() - still > 5000) && (await dirty()) === 0;
      if (settled || performance.now() - started > limitMs) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return (performance.now() - started) / 1000;
  };

  // Warm-up: reads and a short stream, drained.
  const warmStop = startProducer();
  await readFor(3, { latencies: [], seconds: 0, cpuNode: 0, cpuPostgres: 0 });
  await warmStop();
  await drain(published, 60_000);

  const quiet = { latencies: [] as number[], seconds: 0, cpuNode: 0, cpuPostgres: 0 };
  const streaming = { latencies: [] as number[], seconds: 0, cpuNode: 0, cpuPostgres: 0 };
  const stream = { produced: 0, producedSeconds: 0, handledDuring: 0, lagAtStop: [] as number[], drainSeconds: [] as number[], drainHandled: 0, drainBusySeconds: 0, drainCpuNode: 0, drainCpuPostgres: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['quiet', 'streaming'] : ['streaming', 'quiet'];
    for (const condition of order) {
      if (condition === 'quiet') {
        await readFor(SLICE_SECONDS, quiet);
        continue;
      }
      const handledBefore = await handled();
      const stop = startProducer();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await readFor(SLICE_SECONDS, streaming);
      const { produced, seconds } = await stop();
      const handledAtStop = await handled();
      stream.produced += produced;
      stream.producedSeconds += seconds;
      stream.handledDuring += handledAtStop - handledBefore;
      stream.lagAtStop.push(published - handledAtStop);
      // The drain: only the consumer works (no reads, no producer): its CPU per event handled.
      const cpuBefore = { node: processCpuMs(process.pid), postgres: cpuMsOfTreeWithReaped(postmasterPid) };
      const drainSeconds = await drain(published, 120_000);
      const handledInDrain = (await handled()) - handledAtStop;
      stream.drainSeconds.push(drainSeconds);
      stream.drainHandled += handledInDrain;
      stream.drainBusySeconds += drainSeconds;
      stream.drainCpuNode += processCpuMs(process.pid) - cpuBefore.node;
      stream.drainCpuPostgres += cpuMsOfTreeWithReaped(postmasterPid) - cpuBefore.postgres;
    }
  }
  const loadAtEnd = loadAverage();

  // The check: every coach's month holds what the events told (orders, revenue, distinct clients).
  const { rows } = await servicePool.query<{ owner_id: number; orders_count: number; revenue: string; new_clients: number }>(
    'SELECT owner_id, orders_count, revenue::text AS revenue, new_clients FROM biz_dashboards WHERE period = $1', [period]);
  const byOwner = new Map(rows.map((r) => [r.owner_id, r]));
  const wrong = [...sent].filter(([coach, t]) => {
    const row = byOwner.get(coach);
    return !row || row.orders_count !== t.orders || Math.round(Number(row.revenue) * 100) !== t.revenueCents || row.new_clients !== t.clients.size;
  }).length;
  const firstWrong = [...sent].find(([coach, t]) => {
    const row = byOwner.get(coach);
    return !row || row.orders_count !== t.orders || Math.round(Number(row.revenue) * 100) !== t.revenueCents || row.new_clients !== t.clients.size;
  });
  if (firstWrong) console.log('first differing month:', JSON.stringify({ coach: firstWrong[0], sent: { orders: firstWrong[1].orders, revenueCents: firstWrong[1].revenueCents, clients: firstWrong[1].clients.size }, row: byOwner.get(firstWrong[0]) ?? null }));
  const handledTotal = await handled();
  const deadLetters = Number((await servicePool.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters')).rows[0]!.n);

  const figures = (f: typeof quiet) => {
    const sorted = [...f.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { reads: sorted.length, perSecond: sorted.length / f.seconds, p50: at(0.5), p99: at(0.99), cpuNode: f.cpuNode / Math.max(1, sorted.length), cpuPostgres: f.cpuPostgres / Math.max(1, sorted.length) };
  };
  const q = figures(quiet);
  const s = figures(streaming);
  console.log(`\nGET /biz/dashboard?period=${month} (40 coaches, each their own month), ${CONCURRENCY} at a time, ${ROUNDS} rounds of ${SLICE_SECONDS} s per condition; ${os.cpus().length} cores`);
  console.log(`${'condition'.padEnd(40)}${'reads/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'reads'.padStart(8)}  CPU ms/read (node | postgres)`);
  for (const [name, f] of [['baseline: no events flowing', q], [`while events stream at ${EVENTS_PER_SECOND}/s`, s]] as const) {
    console.log(`${name.padEnd(40)}${f.perSecond.toFixed(0).padStart(9)}${f.p50.toFixed(2).padStart(9)}${f.p99.toFixed(2).padStart(9)}${String(f.reads).padStart(8)}  ${f.cpuNode.toFixed(2)} | ${f.cpuPostgres.toFixed(2)}`);
  }
  const producedPerSecond = stream.produced / stream.producedSeconds;
  const handledPerSecond = stream.handledDuring / stream.producedSeconds;
  console.log(`\nevents: published ${stream.produced} in streaming slices (${producedPerSecond.toFixed(0)}/s), handled meanwhile ${stream.handledDuring} (${handledPerSecond.toFixed(0)}/s), lag at stop ${stream.lagAtStop.join(', ')}, drained in ${stream.drainSeconds.map((d) => d.toFixed(1)).join(', ')} s`);
  const drainRate = stream.drainHandled / Math.max(0.001, stream.drainBusySeconds);
  const cpuPerEvent = { node: stream.drainCpuNode / Math.max(1, stream.drainHandled), postgres: stream.drainCpuPostgres / Math.max(1, stream.drainHandled) };
  console.log(`consumer alone (drains): ${stream.drainHandled} events at ${drainRate.toFixed(0)}/s, CPU ms/event ${cpuPerEvent.node.toFixed(2)} node | ${cpuPerEvent.postgres.toFixed(2)} postgres`);
  console.log(`checks: coaches' months differing from the events sent ${wrong} of ${sent.size}; handled ${handledTotal} of ${published}; dead letters ${deadLetters}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);
  ok = wrong === 0 && handledTotal === published && deadLetters === 0;
  console.log(JSON.stringify({
    bench: 'biz',
    cores: os.cpus().length,
    concurrency: CONCURRENCY,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    events_per_s_target: EVENTS_PER_SECOND,
    events_published_per_s: round(producedPerSecond, 1),
    events_handled_per_s: round(handledPerSecond, 1),
    events_lag_at_stop: stream.lagAtStop,
    events_drain_s: stream.drainSeconds.map((d) => round(d, 1)),
    consumer_alone_events_per_s: round(drainRate, 1),
    consumer_cpu_ms_per_event: { node: round(cpuPerEvent.node, 3), postgres: round(cpuPerEvent.postgres, 3) },
    events_lost: published - handledTotal,
    baseline_reads_per_s: round(q.perSecond, 1),
    baseline_p50_ms: round(q.p50, 2),
    baseline_p99_ms: round(q.p99, 2),
    baseline_cpu_ms_per_read: { node: round(q.cpuNode, 2), postgres: round(q.cpuPostgres, 2) },
    streaming_reads_per_s: round(s.perSecond, 1),
    streaming_p50_ms: round(s.p50, 2),
    streaming_p99_ms: round(s.p99, 2),
    streaming_cpu_ms_per_read: { node: round(s.cpuNode, 2), postgres: round(s.cpuPostgres, 2) },
    p99_streaming_over_baseline: round(s.p99 / q.p99, 2),
    checks: { coaches_differing: wrong, coaches: sent.size, handled: handledTotal, published, dead_letters: deadLetters },
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  for (const r of resources.reverse()) await r.close().catch(() => undefined);
  for (const name of [SERVICE_DATABASE, PRODUCER_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await bench.stop();
}
process.exitCode = ok ? 0 : 1;
