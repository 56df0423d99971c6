// Event bus benchmark: publish → handle latency (p50/p99), outbox relay lag at a steady
// 1,000 events/s, and throughput, for the embedded bus and (when Java is there) Kafka + Debezium.
// Baselines from the same run: a plain INSERT of the same rows (throughput ceiling of the
// database) and a LISTEN/NOTIFY round trip (latency floor of the embedded relay's wake-up).
//
//   npx tsx bench/bus.ts [--no-kafka] [--no-embedded] [--seconds 10] [--warmup 3] [--burst 50000]
//
// For Kafka it also splits the relay lag at each record's Kafka timestamp (outbox commit -> Kafka
// record, Kafka record -> handled), and for both prints the p99 by second of the steady phase (a
// stall shows as one bad second, a pipe that cannot keep up as a growing lag) and the event
// loop's delay, which publishers and consumer share. BENCH_LOG_LEVEL=info adds the kit's logs.
//
// Prints a table, then one JSON line with every number.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../platform/logger.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { KafkaTransport } from '../services/kit/bus/kafka-transport.ts';
import { ServiceBus } from '../services/kit/bus/service-bus.ts';
import type { BusTransport } from '../services/kit/bus/types.ts';
import { openServiceDatabase, type ServiceDatabase } from '../services/kit/db/database.ts';
import type { NewEvent } from '../services/kit/events/cloudevent.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { freePort } from './support/free-port.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option('seconds', 10);
/** Unmeasured seconds of the steady load before the measured ones (0: only the 10-event warm-up). */
const WARMUP_SECONDS = option('warmup', 3);
const RATE = 1000;
const BURST = option('burst', 50_000);
const withKafka = !args.includes('--no-kafka') && hasJava();

// BENCH_LOG_LEVEL=info shows the kit's own account (e.g. Kafka group joins) next to the figures.
const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn', format: 'json' });
const metrics = kitMetrics(new Registry());

interface Result {
  transport: string;
  steady: { rate: number; events: number; relayLagP50Ms: number; relayLagP99Ms: number; latencyP50Ms: number; latencyP99Ms: number; relayLagP99BySecondMs: number[]; publishedPerSec: number; eventLoopDelayP50Ms: number; eventLoopDelayP99Ms: number };
  /** Kafka only: the relay lag split at the record's timestamp (CreateTime, set by Connect's producer). */
  split?: {
    commitToKafkaP50Ms: number; commitToKafkaP99Ms: number; kafkaToHandledP50Ms: number; kafkaToHandledP99Ms: number; records: number;
    commitToKafkaP99BySecondMs: number[]; kafkaToHandledP99BySecondMs: number[];
  };
  burst: { events: number; publishPerSec: number; handledPerSec: number; latencyP50Ms: number; latencyP99Ms: number };
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-bench-bus-'));
const cluster = await startEmbeddedPostgres({
  dataDir,
  port: await freePort(),
  logger,
  extraSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
});
const admin = new pg.Client({ connectionString: cluster.url('postgres') });
await admin.connect();
const results: Result[] = [];
const baseline: Record<string, number> = {};
try {
  for (const name of ['bench_base', 'bench_user', 'bench_dynamic', 'bench_kuser', 'bench_kdynamic']) await admin.query(`CREATE DATABASE ${name}`);
  Object.assign(baseline, await baselines(cluster.url('bench_base')));
  if (!args.includes('--no-embedded')) results.push(await runTransport('embedded', new EmbeddedTransport(logger, metrics), cluster.url('bench_user'), cluster.url('bench_dynamic')));
  if (withKafka) {
    const { startKafkaStack } = await import('../cdc/distributed/stack.ts');
    process.stderr.write('starting Kafka + Kafka Connect (Debezium)...\n');
    const stack = await startKafkaStack();
    try {
      const transport = new KafkaTransport({ brokers: [stack.brokers], connectUrl: stack.connectUrl, logger, metrics });
      results.push(await runTransport('kafka', transport, cluster.url('bench_kuser'), cluster.url('bench_kdynamic'), stack.brokers));
    } finally {
      await stack.stop();
    }
  }
} finally {
  await admin.end();
  await cluster.stop();
  await rm(dataDir, { recursive: true, force: true });
}

printTable();
console.log(JSON.stringify({ bench: 'bus', seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rate: RATE, burst: BURST, kafka: withKafka ? 'measured' : 'skipped (no java or --no-kafka)', baseline, results }));

async function runTransport(kind: string, transport: BusTransport, publisherUrl: string, consumerUrl: string, brokers?: string): Promise<Result> {
  process.stderr.write(`${kind}: steady ${RATE}/s for ${SECONDS}s, then a burst of ${BURST}...\n`);
  const publisher = await openServiceDatabase<any>({ url: publisherUrl, service: 'user', logger, migrations: [] });
  const consumer = await openServiceDatabase<any>({
    url: consumerUrl, service: 'dynamic', logger, maxConnections: 10,
    migrations: [{ id: 'bench_0001_effects', sql: 'CREATE TABLE effects (event_id text NOT NULL, record_id integer NOT NULL)' }],
  });
  const pubBus = new ServiceBus({ service: 'user', database: publisher, publishes: ['health_action_recorded'], transport, logger, metrics });
  const subBus = new ServiceBus({ service: 'dynamic', database: consumer, publishes: [], transport, logger, metrics });
  const committedAt = new Map<string, number>();
  const relayLag: number[] = [];
  const handledAt = new Map<string, number>();
  const latency: number[] = [];
  let handled = 0;
  subBus.subscribe('health_action_recorded', 'dynamic', async (event, { db }) => {
    await sql`INSERT INTO effects (event_id, record_id) VALUES (${event.id}, ${event.data.recordId})`.execute(db);
    const now = Date.now();
    latency.push(now - Date.parse(event.time));
    const committed = committedAt.get(event.id);
    if (committed !== undefined) {
      relayLag.push(Math.max(0, now - committed));
      handledAt.set(event.id, now);
    }
    handled++;
  });
  await pubBus.startPublishing();
  await subBus.startConsuming();
  try {
    // Warm-up (Kafka: topic leaders, consumer group join, connector streaming), then the steady
    // load unmeasured for a while: a just-started JVM runs Debezium and the broker interpreted
    // for its first seconds of real load (commit -> Kafka p99 near 3 s in the first seconds of a
    // cold run, ~300 ms after), and bench/cdc.ts measures its lag only after a backlog drain.
    await publishBatch(pubBus, publisher, 0, 10, committedAt);
    await waitFor(() => handled >= 10, 180_000, 'warm-up events');
    let next = 10;
    if (WARMUP_SECONDS > 0) {
      next = (await paced(next, WARMUP_SECONDS)).next;
      await waitFor(() => handled >= next, 180_000, 'warm-up load');
    }
    // Handled is not settled: the offset commit after the handling transaction is the first
    // request to the group coordinator's offsets, and a coordinator still loading crashes the
    // consumer there; the steady phase would then begin during a rejoin.
    if (brokers) await groupSettled(brokers, 'ficus.dynamic.dynamic', 'ficus.events.health_action_recorded');
    relayLag.length = 0;
    latency.length = 0;
    handled = 0;
    handledAt.clear();
    committedAt.clear();

    // Steady: 1,000 events/s, one event per transaction, as requests would publish them.
    // Publishers, consumer and (Kafka) the client share this process's event loop: its delay is
    // part of every figure below.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const steadyFrom = next;
    const { next: steadyTo, startedAt: steadyStart, committedAt: publishedAt } = await paced(next, SECONDS);
    next = steadyTo;
    const steadyEvents = steadyTo - steadyFrom;
    await waitFor(() => handled >= steadyEvents, 120_000, 'steady events');
    loopDelay.disable();
    // By second of publishing: a lag that grows second by second means the pipe cannot keep up;
    // one bad second means a stall (a rebalance, a GC pause, a crashed consumer restarting).
    const bySecond: number[][] = [];
    for (const [id, at] of handledAt) {
      const committed = committedAt.get(id)!;
      (bySecond[Math.floor((committed - steadyStart) / 1000)] ??= []).push(at - committed);
    }
    const steady = {
      rate: RATE, events: steadyEvents,
      relayLagP50Ms: pct(relayLag, 50), relayLagP99Ms: pct(relayLag, 99), latencyP50Ms: pct(latency, 50), latencyP99Ms: pct(latency, 99),
      relayLagP99BySecondMs: Array.from(bySecond, (lags) => (lags ? pct(lags, 99) : Number.NaN)),
      publishedPerSec: Math.round(steadyEvents / ((publishedAt - steadyStart) / 1000)),
      eventLoopDelayP50Ms: Math.round(loopDelay.percentile(50) / 1e5) / 10, eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    };
    const split = brokers ? await splitAtKafka(brokers, committedAt, handledAt, steadyStart) : undefined;

    // Burst: as fast as four publishers can, 100 events per transaction.
    latency.length = 0;
    handled = 0;
    const burstStart = Date.now();
    let cursor = next;
    const last = next + BURST;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (cursor < last) {
        const from = cursor;
        cursor = Math.min(last, cursor + 100);
        await publishBatch(pubBus, publisher, from, cursor - from, undefined);
      }
    }));
    const publishMs = Date.now() - burstStart;
    await waitFor(() => handled >= BURST, 600_000, 'burst events');
    const handleMs = Date.now() - burstStart;
    return {
      transport: kind,
      steady,
      ...(split ? { split } : {}),
      burst: { events: BURST, publishPerSec: Math.round(BURST / (publishMs / 1000)), handledPerSec: Math.round(BURST / (handleMs / 1000)), latencyP50Ms: pct(latency, 50), latencyP99Ms: pct(latency, 99) },
    };
  } finally {
    await subBus.stop();
    await pubBus.stop();
    await transport.close();
    await consumer.close();
    await publisher.close();
  }

  /** Open loop on a schedule: a tick that fires late (busy event loop) starts every event due by then, so the offered rate is RATE however late timers are. */
  async function paced(from: number, seconds: number): Promise<{ next: number; startedAt: number; committedAt: number }> {
    const total = RATE * seconds;
    const startedAt = Date.now();
    const inFlight: Promise<void>[] = [];
    let started = 0;
    while (started < total) {
      const due = Math.min(total, Math.floor(((Date.now() - startedAt) * RATE) / 1000));
      for (; started < due; started++) inFlight.push(publishBatch(pubBus, publisher, from + started, 1, committedAt));
      if (started < total) await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(inFlight);
    return { next: from + total, startedAt, committedAt: Date.now() };
  }
}

async function publishBatch(bus: ServiceBus, db: ServiceDatabase<any>, from: number, count: number, committedAt: Map<string, number> | undefined): Promise<void> {
  const measuredAt = new Date().toISOString();
  const events: NewEvent[] = Array.from({ length: count }, (_, i) => ({
    type: 'health_action_recorded',
    subject: `hp.health.record/${from + i + 1}`,
    data: { recordId: from + i + 1, userId: 6 + ((from + i) % 240), recordType: 'steps', value: 1000, unit: 'steps', measuredAt, source: 'device' },
  }));
  const published = await db.db.transaction().execute((tx) => bus.publishMany(tx, events));
  const now = Date.now();
  if (committedAt) for (const e of published) committedAt.set(e.id, now);
}

/** The group is Stable and has committed every record of the topic. */
async function groupSettled(brokers: string, groupId: string, topic: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'ficus-bench-warmup', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [ends, committed, described] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }).catch(() => []),
        admin.describeGroups([groupId]).catch(() => ({ groups: [] })),
      ]);
      const at = new Map(committed.flatMap((t) => t.partitions.map((p) => [p.partition, p.offset] as const)));
      const caughtUp = ends.every((p) => p.high === '0' || at.get(p.partition) === p.high);
      if (caughtUp && described.groups[0]?.state === 'Stable') return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} not settled: ${JSON.stringify({ ends, committed, state: described.groups[0]?.state })}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the event topic back after the steady phase (a throwaway group, so the measured consumer
 * is not disturbed while it works) for each record's timestamp: CreateTime, stamped by Connect's
 * producer when Debezium hands it the record. Both clocks are this machine's.
 */
async function splitAtKafka(brokers: string, committedAt: Map<string, number>, handledAt: Map<string, number>, steadyStart: number): Promise<NonNullable<Result['split']>> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'ficus-bench-split', brokers: [brokers], logLevel: logLevel.NOTHING });
  const topic = 'ficus.events.health_action_recorded';
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
  const remaining = new Set(ends.filter((p) => BigInt(p.high) > 0n).map((p) => p.partition));
  const toKafka: number[] = [];
  const fromKafka: number[] = [];
  const toKafkaBySecond: number[][] = [];
  const fromKafkaBySecond: number[][] = [];
  const consumer = kafka.consumer({ groupId: `ficus-bench-split-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    if (!remaining.size) return resolve();
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        const id = (JSON.parse(JSON.parse(message.value!.toString('utf8'))) as { id: string }).id;
        const committed = committedAt.get(id);
        const handled = handledAt.get(id);
        const stamped = Number(message.timestamp);
        if (committed !== undefined && handled !== undefined) {
          toKafka.push(stamped - committed);
          fromKafka.push(handled - stamped);
          const second = Math.floor((committed - steadyStart) / 1000);
          (toKafkaBySecond[second] ??= []).push(stamped - committed);
          (fromKafkaBySecond[second] ??= []).push(handled - stamped);
        }
        if (BigInt(message.offset) + 1n >= end.get(partition)!) remaining.delete(partition);
        if (!remaining.size) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  const bySecond = (lags: number[][]) => Array.from(lags, (l) => (l ? pct(l, 99) : Number.NaN));
  return {
    commitToKafkaP50Ms: pct(toKafka, 50), commitToKafkaP99Ms: pct(toKafka, 99), kafkaToHandledP50Ms: pct(fromKafka, 50), kafkaToHandledP99Ms: pct(fromKafka, 99), records: toKafka.length,
    commitToKafkaP99BySecondMs: bySecond(toKafkaBySecond), kafkaToHandledP99BySecondMs: bySecond(fromKafkaBySecond),
  };
}

/** Same rows straight into a table, and a NOTIFY round trip: what the bus costs on top of PostgreSQL. */
async function baselines(url: string): Promise<Record<string, number>> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query('CREATE TABLE plain (id text, payload jsonb)');
  const payload = JSON.stringify({ data: { recordId: 1, userId: 6, recordType: 'steps', value: 1000, unit: 'steps', source: 'device' } });
  const started = Date.now();
  let cursor = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (cursor < BURST) {
      const from = cursor;
      cursor = Math.min(BURST, cursor + 100);
      const ids = Array.from({ length: cursor - from }, (_, i) => String(from + i));
      await pool.query('INSERT INTO plain SELECT id, $2::jsonb FROM unnest($1::text[]) id', [ids, payload]);
    }
  }));
  const insertPerSec = Math.round(BURST / ((Date.now() - started) / 1000));
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  await listener.query('LISTEN bench');
  const rtts: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    const got = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
    await pool.query(`NOTIFY bench`);
    await got;
    rtts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await listener.end();
  await pool.end();
  return { plainInsertPerSec: insertPerSec, notifyRoundTripP50Ms: pct(rtts, 50), notifyRoundTripP99Ms: pct(rtts, 99) };
}

function pct(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function hasJava(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function printTable(): void {
  const rows = [
    ['transport', 'steady rate/s', 'relay lag p50', 'relay lag p99', 'latency p50', 'latency p99', 'burst publish/s', 'burst handled/s', 'burst p50', 'burst p99'],
    ...results.map((r) => [
      r.transport, String(r.steady.rate), `${r.steady.relayLagP50Ms} ms`, `${r.steady.relayLagP99Ms} ms`, `${r.steady.latencyP50Ms} ms`, `${r.steady.latencyP99Ms} ms`,
      String(r.burst.publishPerSec), String(r.burst.handledPerSec), `${r.burst.latencyP50Ms} ms`, `${r.burst.latencyP99Ms} ms`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  console.log(`baseline (same run): plain INSERT ${baseline.plainInsertPerSec}/s; NOTIFY round trip p50 ${baseline.notifyRoundTripP50Ms} ms, p99 ${baseline.notifyRoundTripP99Ms} ms`);
  for (const r of results) {
    console.log(`${r.transport}: published ${r.steady.publishedPerSec}/s committed (${RATE}/s offered); event loop delay p50 ${r.steady.eventLoopDelayP50Ms} ms, p99 ${r.steady.eventLoopDelayP99Ms} ms (sampled every 10 ms, so an idle loop reads about 10)`);
    console.log(`${r.transport}: relay lag p99 by second of the steady phase: ${r.steady.relayLagP99BySecondMs.join(' ')} ms`);
    if (r.split) {
      console.log(`${r.transport}: outbox commit -> Kafka record p50 ${r.split.commitToKafkaP50Ms} ms, p99 ${r.split.commitToKafkaP99Ms} ms; Kafka record -> handled p50 ${r.split.kafkaToHandledP50Ms} ms, p99 ${r.split.kafkaToHandledP99Ms} ms (${r.split.records} records)`);
      console.log(`${r.transport}: p99 by second, outbox commit -> Kafka record: ${r.split.commitToKafkaP99BySecondMs.join(' ')} ms; Kafka record -> handled: ${r.split.kafkaToHandledP99BySecondMs.join(' ')} ms`);
    }
  }
  for (const r of results) {
    console.log(`${r.transport}: outbox relay lag p99 ${r.steady.relayLagP99Ms} ms at ${RATE} events/s -> ${r.steady.relayLagP99Ms <= 1000 ? 'OK (<= 1 s)' : 'OVER 1 s'}`);
  }
}
