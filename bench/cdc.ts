// CDC benchmark: embedded PostgreSQL with the legacy dump, 100,000 mixed row changes on legacy
// tables, carried by each transport into a target database with the same table DDL: the
// embedded pgoutput reader, then Debezium (Kafka Connect) → Kafka 4.1 KRaft → kafkajs, both into
// the same ChangeApplier. Prints a table (throughput, end-to-end lag p50/p99, rows equal) and
// ends with one JSON line.
//   npx tsx bench/cdc.ts              (CDC_BENCH_CHANGES=… to change the size)
//   npx tsx bench/cdc.ts --no-kafka   (or CDC_BENCH_KAFKA=0; also skipped when there is no java)
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { Registry } from 'prom-client';
import { ChangeApplier } from '../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../cdc/apply/copy-table-definitions.ts';
import { startDebeziumCapture } from '../cdc/distributed/debezium-capture.ts';
import { KafkaSource } from '../cdc/distributed/kafka-source.ts';
import { startKafkaStack } from '../cdc/distributed/stack.ts';
import { EmbeddedSource } from '../cdc/embedded/embedded-source.ts';
import { isSnapshotEvent, type ChangeEvent } from '../cdc/events/change-event.ts';
import type { ApplyResult } from '../cdc/apply/applier.ts';
import { LOAD_TABLES, runLegacyWriteLoad } from './load/legacy-write-load.ts';
import { compareTables } from '../cdc/verify/compare-tables.ts';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { ensureLegacyDatabase } from '../runtime/legacy-database.ts';
import { createLogger } from '../platform/logger.ts';
import { freePort } from './support/free-port.ts';

const CHANGES = Number(process.env.CDC_BENCH_CHANGES ?? 100_000);
const LAG_RATE = Number(process.env.CDC_BENCH_LAG_RATE ?? 2000);
const LAG_CHANGES = LAG_RATE * 5;
const TABLES = [...LOAD_TABLES, 'public.service_orders', 'public.res_company'];
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'json' });
/** CDC_BENCH_DEBEZIUM='{"max.batch.size":"8192"}' to try connector settings. */
const DEBEZIUM_TUNING = JSON.parse(process.env.CDC_BENCH_DEBEZIUM ?? '{}') as Record<string, string>;
const SKIP_KAFKA = process.argv.includes('--no-kafka') || process.env.CDC_BENCH_KAFKA === '0';

interface TransportResult {
  transport: string;
  /** Backlog drained in the throughput phase. */
  changes: number;
  changesPerS: number;
  drainMs: number;
  loadMs: number;
  /** Changes measured in the lag phase. */
  lagChanges: number;
  lagP50: number;
  lagP99: number;
  rowsEqual: boolean;
}

/** What both transports report per applied batch: streamed changes, their lag, the last apply. */
class Tally {
  streamed = 0;
  snapshotRows = 0;
  lastAppliedAt = 0;
  lags: number[] = [];

  readonly onApplied = (events: readonly ChangeEvent[], result: ApplyResult): void => {
    let n = 0;
    for (const event of events) {
      if (isSnapshotEvent(event.value)) {
        this.snapshotRows++;
        continue;
      }
      n++;
      this.lags.push(result.committedAt - event.value.source.ts_ms);
    }
    this.streamed += n;
    if (n) this.lastAppliedAt = result.committedAt;
  };

  async waitFor(count: number, what: 'streamed' | 'snapshotRows' = 'streamed'): Promise<void> {
    const deadline = Date.now() + 600_000;
    while (this[what] < count) {
      if (Date.now() > deadline) throw new Error(`timed out: ${this[what]} of ${count} ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Live, paced load (LAG_RATE changes/s) until the transport applied all of it: lag per change. */
async function measureLag(source: pg.Pool, tally: Tally): Promise<{ paced: number; expected: number }> {
  tally.lags = [];
  const before = tally.streamed;
  const load = await runLegacyWriteLoad(source, { changes: LAG_CHANGES, perTransaction: 10, changesPerSecond: LAG_RATE });
  const paced = load.inserted + load.updated + load.deleted;
  await tally.waitFor(before + paced);
  return { paced, expected: before + paced };
}

type Drain = Pick<TransportResult, 'changes' | 'changesPerS' | 'drainMs' | 'loadMs'>;

function transportResult(transport: string, drain: Drain, tally: Tally, rowsEqual: boolean): TransportResult {
  const lags = tally.lags.sort((a, b) => a - b);
  return { transport, ...drain, lagChanges: lags.length, lagP50: percentile(lags, 50), lagP99: percentile(lags, 99), rowsEqual };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Two phases against one slot and target:
 * - throughput: the reader is stopped while the load writes CHANGES row changes (the slot keeps
 *   them), then started again; changes/s is the rate at which it drains that backlog into the
 *   target (applied and committed), so the load generator's speed does not cap the number;
 * - lag: the reader runs while a paced load (LAG_RATE changes/s) writes; lag is source commit →
 *   target commit per change.
 */
async function measureEmbedded(sourceUrl: string, targetUrl: string): Promise<TransportResult> {
  const source = new pg.Pool({ connectionString: sourceUrl, max: 4 });
  source.on('error', () => undefined); // idle clients die with the cluster at the end
  const target = new pg.Client({ connectionString: targetUrl });
  target.on('error', () => undefined);
  await target.connect();
  const sourceClient = await source.connect();
  await copyTableDefinitions(sourceClient, target, TABLES);
  const applier = await ChangeApplier.open({ targetUrl, sourceName: 'legacy', logger, registry: new Registry(), origin: 'ficus_forward' });

  const tally = new Tally();
  const reader = () =>
    new EmbeddedSource({
      sourceUrl,
      purpose: 'bench',
      tables: TABLES,
      applier,
      logger,
      batchSize: 5000,
      maxDelayMs: 20,
      heartbeatIntervalMs: 1000,
      onApplied: tally.onApplied,
    });

  // Snapshot, then stop: the backlog builds up in the slot.
  let running = reader();
  running.start();
  await running.ready;
  await running.stop();
  logger.info('snapshot done; writing the backlog');
  const load = await runLegacyWriteLoad(source, { changes: CHANGES, perTransaction: 50 });
  const backlog = load.inserted + load.updated + load.deleted;
  logger.info({ backlog }, 'backlog written; draining');
  const drainStarted = Date.now();
  running = reader();
  running.start();
  await tally.waitFor(backlog);
  const drainMs = tally.lastAppliedAt - drainStarted;
  const changesPerS = Math.round(backlog / (drainMs / 1000));

  logger.info({ drainMs, changesPerS }, 'drained; measuring lag');
  const { paced } = await measureLag(source, tally);
  await running.stop();

  const differences = await compareTables(sourceClient, target, TABLES);
  await running.remove();
  await applier.close();
  sourceClient.release();
  await source.end();
  await target.end();
  if (differences.length) console.error('differences', JSON.stringify(differences));

  const drain = { changes: backlog, changesPerS, drainMs, loadMs: load.ms };
  return transportResult('embedded (pgoutput)', drain, tally, differences.length === 0 && tally.streamed === backlog + paced);
}

/**
 * The same two phases over Debezium: PostgreSQL → Debezium (Kafka Connect) → Kafka → kafkajs →
 * the same applier. The backlog builds up in Debezium's slot while the connector is STOPPED
 * (no task reads the slot), so the drain rate covers the whole pipe: decoding in Debezium,
 * producing to Kafka, consuming and applying. Lag: source commit → target commit per change.
 */
async function measureKafka(sourceUrl: string, targetUrl: string): Promise<TransportResult> {
  const stackStarted = Date.now();
  const stack = await startKafkaStack({ keepState: !!process.env.FICUS_CDC_KEEP_STATE });
  logger.info({ ms: Date.now() - stackStarted }, 'kafka stack up');
  const source = new pg.Pool({ connectionString: sourceUrl, max: 4 });
  source.on('error', () => undefined);
  const target = new pg.Client({ connectionString: targetUrl });
  target.on('error', () => undefined);
  await target.connect();
  const sourceClient = await source.connect();
  let capture: Awaited<ReturnType<typeof startDebeziumCapture>> | undefined;
  let consumer: KafkaSource | undefined;
  try {
    await copyTableDefinitions(sourceClient, target, TABLES);
    const applier = await ChangeApplier.open({ targetUrl, sourceName: 'legacy', logger, registry: new Registry(), origin: 'ficus_bench_kafka' });
    const tally = new Tally();
    capture = await startDebeziumCapture({ connectUrl: stack.connectUrl, brokers: stack.brokers, sourceUrl, purpose: 'bench_kafka', tables: TABLES, heartbeatIntervalMs: 1000, extra: DEBEZIUM_TUNING });
    consumer = new KafkaSource({ brokers: stack.brokers, groupId: 'ficus-bench', topics: capture.topics, keyOnlyDeleteTables: capture.defaultIdentityTables, applier, logger, onApplied: tally.onApplied });
    await consumer.start();
    const { rows } = await sourceClient.query<{ n: number }>(
      `SELECT sum((xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || t, false, true, '')))[1]::text::int)::int AS n FROM unnest($1::text[]) AS t`,
      [TABLES],
    );
    await tally.waitFor(rows[0]!.n, 'snapshotRows');
    await capture.stop();
    logger.info('snapshot done; writing the backlog');
    const load = await runLegacyWriteLoad(source, { changes: CHANGES, perTransaction: 50 });
    const backlog = load.inserted + load.updated + load.deleted;
    logger.info({ backlog }, 'backlog written; draining');
    const topicsBefore = await topicMessages(stack.brokers, capture.topics);
    const drainStarted = Date.now();
    await capture.resume();
    // Which side limits the pipe: when Debezium has produced the backlog (a tombstone follows
    // every delete) versus when the consumer has applied it.
    const produced = waitForTopicMessages(stack.brokers, capture.topics, topicsBefore + backlog + load.deleted).then(() => Date.now() - drainStarted);
    produced.catch(() => undefined); // awaited below; this only keeps a failure meanwhile from being unhandled
    await tally.waitFor(backlog);
    const drainMs = tally.lastAppliedAt - drainStarted;
    const changesPerS = Math.round(backlog / (drainMs / 1000));
    logger.info({ producedMs: await produced, appliedMs: drainMs }, 'kafka drain: backlog in the topics vs applied');

    logger.info({ drainMs, changesPerS }, 'drained; measuring lag');
    const { expected } = await measureLag(source, tally);
    await consumer.stop();
    consumer = undefined;
    await applier.close();

    const differences = await compareTables(sourceClient, target, TABLES);
    if (differences.length) console.error('differences (kafka)', JSON.stringify(differences));
    const drain = { changes: backlog, changesPerS, drainMs, loadMs: load.ms };
    // Debezium delivers at least once; a repeat would be skipped by the applier, so equal rows are the test.
    return transportResult('kafka (debezium 3.5 + kafka 4.1)', drain, tally, differences.length === 0 && tally.streamed >= expected);
  } finally {
    await consumer?.stop().catch(() => undefined);
    await capture?.remove().catch((error) => console.error('removing the Debezium capture failed:', error));
    sourceClient.release();
    await source.end();
    await target.end();
    await stack.stop();
  }
}

async function withAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'ficus-bench-admin', brokers: brokers.split(','), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

async function countMessages(admin: Admin, topics: readonly string[]): Promise<number> {
  let total = 0;
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
  return total;
}

const topicMessages = (brokers: string, topics: readonly string[]) => withAdmin(brokers, (admin) => countMessages(admin, topics));

function waitForTopicMessages(brokers: string, topics: readonly string[], count: number): Promise<void> {
  return withAdmin(brokers, async (admin) => {
    const deadline = Date.now() + 600_000;
    while ((await countMessages(admin, topics)) < count) {
      // A quiet return would log a wrong "produced" time.
      if (Date.now() > deadline) throw new Error(`the topics did not reach ${count} messages in 600 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });
}

function javaAvailable(): boolean {
  return spawnSync(process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java', ['-version'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cdc-bench-'));
  const cluster = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    logger,
    // A benchmark cluster: durability is not what is measured (the same settings as the test cluster).
    extraSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  try {
    await ensureLegacyDatabase({
      adminUrl: cluster.url('postgres'),
      databaseName: 'legacy',
      dumpPath: path.resolve(import.meta.dirname, '../fixtures/hp_legacy.sql.gz'),
      logger,
    });
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE cdc_target');
    await admin.query('CREATE DATABASE cdc_target_kafka');
    await admin.end();

    const embedded = await measureEmbedded(cluster.url('legacy'), cluster.url('cdc_target'));
    const kafkaSkipped = SKIP_KAFKA ? '--no-kafka' : javaAvailable() ? null : 'no java';
    // After the embedded run, on the source it left: the JVMs would otherwise share the two cores with it.
    const kafka = kafkaSkipped ? null : await measureKafka(cluster.url('legacy'), cluster.url('cdc_target_kafka'));
    const rows = [embedded, kafka].map((r) =>
      r
        ? { transport: r.transport, 'backlog changes': r.changes, 'drain ms': r.drainMs, 'changes/s applied': r.changesPerS, [`lag p50 ms @${LAG_RATE}/s`]: r.lagP50, [`lag p99 ms @${LAG_RATE}/s`]: r.lagP99, 'rows equal': r.rowsEqual }
        : { transport: `kafka (debezium): skipped (${kafkaSkipped})` },
    );
    console.table(rows);
    console.log(
      JSON.stringify({
        bench: 'cdc',
        changes: embedded.changes,
        embedded_changes_per_s: embedded.changesPerS,
        embedded_lag_p50_ms: embedded.lagP50,
        embedded_lag_p99_ms: embedded.lagP99,
        kafka_changes_per_s: kafka?.changesPerS ?? null,
        kafka_lag_p50_ms: kafka?.lagP50 ?? null,
        kafka_lag_p99_ms: kafka?.lagP99 ?? null,
        lag_rate_per_s: LAG_RATE,
        rows_equal: embedded.rowsEqual && (kafka?.rowsEqual ?? true),
        ...(kafkaSkipped ? { kafka_skipped: kafkaSkipped } : {}),
      }),
    );
  } catch (error) {
    console.error('bench failed:', error);
    process.exitCode = 1;
  } finally {
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
