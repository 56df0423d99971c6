// Event bus benchmark: publish → handle latency (p50/p99), outbox relay lag at a steady
// 1,000 events/s, and throughput, for the embedded bus and (when Java is there) Kafka + Debezium.
// Baselines from the same run: a plain INSERT of the same rows (throughput ceiling of the
// database) and a LISTEN/NOTIFY round trip (latency floor of the embedded relay's wake-up).
//
//   npx tsx bench/bus.ts [--no-kafka] [--seconds 10] [--burst 50000]
//
// Prints a table, then one JSON line with every number.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../runtime/logger.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { KafkaTransport } from '../services/kit/bus/kafka-transport.ts';
import { ServiceBus } from '../services/kit/bus/service-bus.ts';
import type { BusTransport } from '../services/kit/bus/types.ts';
import { openServiceDatabase, type ServiceDatabase } from '../services/kit/db/database.ts';
import type { NewEvent } from '../services/kit/events/cloudevent.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { freePort } from '../test/support/free-port.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option('seconds', 10);
const RATE = 1000;
const BURST = option('burst', 50_000);
const withKafka = !args.includes('--no-kafka') && hasJava();

const logger = createLogger({ level: 'warn', format: 'json' });
const metrics = kitMetrics(new Registry());

interface Result {
  transport: string;
  steady: { rate: number; events: number; relayLagP50Ms: number; relayLagP99Ms: number; latencyP50Ms: number; latencyP99Ms: number };
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
  results.push(await runTransport('embedded', new EmbeddedTransport(logger, metrics), cluster.url('bench_user'), cluster.url('bench_dynamic')));
  if (withKafka) {
    const { startKafkaStack } = await import('../cdc/distributed/stack.ts');
    process.stderr.write('starting Kafka + Kafka Connect (Debezium)...\n');
    const stack = await startKafkaStack();
    try {
      const transport = new KafkaTransport({ brokers: [stack.brokers], connectUrl: stack.connectUrl, logger, metrics });
      results.push(await runTransport('kafka', transport, cluster.url('bench_kuser'), cluster.url('bench_kdynamic')));
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
console.log(JSON.stringify({ bench: 'bus', seconds: SECONDS, rate: RATE, burst: BURST, kafka: withKafka ? 'measured' : 'skipped (no java or --no-kafka)', baseline, results }));

async function runTransport(kind: string, transport: BusTransport, publisherUrl: string, consumerUrl: string): Promise<Result> {
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
  const latency: number[] = [];
  let handled = 0;
  subBus.subscribe('health_action_recorded', 'dynamic', async (event, { db }) => {
    await sql`INSERT INTO effects (event_id, record_id) VALUES (${event.id}, ${event.data.recordId})`.execute(db);
    const now = Date.now();
    latency.push(now - Date.parse(event.time));
    const committed = committedAt.get(event.id);
    if (committed !== undefined) relayLag.push(Math.max(0, now - committed));
    handled++;
  });
  await pubBus.startPublishing();
  await subBus.startConsuming();
  try {
    // Warm-up (Kafka: topic leaders, consumer group join, connector streaming).
    await publishBatch(pubBus, publisher, 0, 10, committedAt);
    await waitFor(() => handled >= 10, 180_000, 'warm-up events');
    relayLag.length = 0;
    latency.length = 0;
    handled = 0;

    // Steady: 1,000 events/s, one event per transaction, as requests would publish them.
    let next = 10;
    const tickMs = 20;
    const perTick = (RATE * tickMs) / 1000;
    const steadyEnd = Date.now() + SECONDS * 1000;
    const inFlight: Promise<void>[] = [];
    while (Date.now() < steadyEnd) {
      const tickStart = Date.now();
      for (let i = 0; i < perTick; i++) inFlight.push(publishBatch(pubBus, publisher, next++, 1, committedAt));
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tickStart))));
    }
    await Promise.all(inFlight);
    const steadyEvents = next - 10;
    await waitFor(() => handled >= steadyEvents, 120_000, 'steady events');
    const steady = {
      rate: RATE, events: steadyEvents,
      relayLagP50Ms: pct(relayLag, 50), relayLagP99Ms: pct(relayLag, 99), latencyP50Ms: pct(latency, 50), latencyP99Ms: pct(latency, 99),
    };

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
      burst: { events: BURST, publishPerSec: Math.round(BURST / (publishMs / 1000)), handledPerSec: Math.round(BURST / (handleMs / 1000)), latencyP50Ms: pct(latency, 50), latencyP99Ms: pct(latency, 99) },
    };
  } finally {
    await subBus.stop();
    await pubBus.stop();
    await transport.close();
    await consumer.close();
    await publisher.close();
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
    console.log(`${r.transport}: outbox relay lag p99 ${r.steady.relayLagP99Ms} ms at ${RATE} events/s -> ${r.steady.relayLagP99Ms <= 1000 ? 'OK (<= 1 s)' : 'OVER 1 s'}`);
  }
}
