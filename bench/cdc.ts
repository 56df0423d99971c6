// CDC benchmark: embedded PostgreSQL with the legacy dump, 100,000 mixed row changes on legacy
// tables, streamed by the embedded reader into a target database with the same table DDL.
// Prints a table (throughput, end-to-end lag p50/p99) and ends with one JSON line.
//   npx tsx bench/cdc.ts            (CDC_BENCH_CHANGES=… to change the size)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Registry } from 'prom-client';
import { ChangeApplier } from '../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../cdc/apply/copy-table-definitions.ts';
import { EmbeddedSource } from '../cdc/embedded/embedded-source.ts';
import { isSnapshotEvent } from '../cdc/events/change-event.ts';
import { LOAD_TABLES, runLegacyWriteLoad } from '../cdc/load/legacy-write-load.ts';
import { compareTables } from '../cdc/verify/compare-tables.ts';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { ensureLegacyDatabase } from '../runtime/legacy-database.ts';
import { createLogger } from '../runtime/logger.ts';
import { freePort } from '../test/support/free-port.ts';

const CHANGES = Number(process.env.CDC_BENCH_CHANGES ?? 100_000);
const LAG_RATE = Number(process.env.CDC_BENCH_LAG_RATE ?? 2000);
const LAG_CHANGES = LAG_RATE * 5;
const TABLES = [...LOAD_TABLES, 'public.service_orders', 'public.res_company'];
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'json' });

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

/**
 * Hook for the Kafka/Debezium transport: once cdc/distributed/stack.ts can start Kafka + Connect
 * and register a connector, implement this with the same load, applier and comparison and return
 * its row; until then the table shows it as not measured.
 */
async function measureKafkaTransport(): Promise<TransportResult | null> {
  return null;
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

  let streamed = 0;
  let lastAppliedAt = 0;
  let lags: number[] = [];
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
      onApplied: (events, result) => {
        let n = 0;
        for (const event of events) {
          if (isSnapshotEvent(event.value)) continue;
          n++;
          lags.push(result.committedAt - event.value.source.ts_ms);
        }
        streamed += n;
        if (n) lastAppliedAt = result.committedAt;
      },
    });
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 600_000;
    while (streamed < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };

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
  await waitFor(backlog);
  const drainMs = lastAppliedAt - drainStarted;
  const changesPerS = Math.round(backlog / (drainMs / 1000));

  logger.info({ drainMs, changesPerS }, 'drained; measuring lag');
  // Live, paced load: lag per change.
  lags = [];
  const before = streamed;
  const paced = await runLegacyWriteLoad(source, { changes: LAG_CHANGES, perTransaction: 10, changesPerSecond: LAG_RATE });
  await waitFor(before + paced.inserted + paced.updated + paced.deleted);
  await running.stop();

  const differences = await compareTables(sourceClient, target, TABLES);
  await running.remove();
  await applier.close();
  sourceClient.release();
  await source.end();
  await target.end();
  if (differences.length) console.error('differences', JSON.stringify(differences));

  lags.sort((a, b) => a - b);
  return {
    transport: 'embedded (pgoutput)',
    changes: backlog,
    changesPerS,
    drainMs,
    loadMs: load.ms,
    lagChanges: lags.length,
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    rowsEqual: differences.length === 0 && streamed === backlog + paced.inserted + paced.updated + paced.deleted,
  };
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
    await admin.end();

    const embedded = await measureEmbedded(cluster.url('legacy'), cluster.url('cdc_target'));
    const kafka = await measureKafkaTransport();
    const rows = [embedded, kafka].map((r, i) =>
      r
        ? { transport: r.transport, 'backlog changes': r.changes, 'drain ms': r.drainMs, 'changes/s applied': r.changesPerS, [`lag p50 ms @${LAG_RATE}/s`]: r.lagP50, [`lag p99 ms @${LAG_RATE}/s`]: r.lagP99, 'rows equal': r.rowsEqual }
        : { transport: i === 1 ? 'kafka (debezium): not wired yet' : '?' },
    );
    console.table(rows);
    console.log(
      JSON.stringify({
        bench: 'cdc',
        changes: embedded.changes,
        embedded_changes_per_s: embedded.changesPerS,
        lag_p50_ms: embedded.lagP50,
        lag_p99_ms: embedded.lagP99,
        kafka_changes_per_s: kafka?.changesPerS ?? null,
        rows_equal: embedded.rowsEqual && (kafka?.rowsEqual ?? true),
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
