/**
 * Device-data sync ingest throughput (issue 22): readings per second stored by
 * POST /users/{id}/device-bindings/{bindingId}/readings, against a baseline in the same run.
 *
 * Each call is one batch of BATCH new readings (a band's steps, heart rate and sleep, one key
 * each: binding + record type + second), over BINDINGS bindings of as many members, CONCURRENCY
 * batches in flight. Variants, interleaved in slices (bench/support/interleaved.ts):
 * 1. REST sync of new readings: bearer check, access rules, the binding's row lock, the
 *    NOT EXISTS insert, last_sync_at, device_data_synced into the outbox, one transaction.
 * 2. REST sync of a batch already stored (a device sending again): the same path, nothing written.
 * 3. The same use case without HTTP: domain/device-readings.ts `syncDeviceReadings` in a kysely
 *    transaction with the outbox (what the guard and the insert cost without the REST edge).
 * 4. Baseline: the plain `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` of the same
 *    batch into a copy of health_records with a unique index on the natural key — the storage
 *    floor, which the service cannot use (no unique index where Odoo has none, MIGRATION.md).
 * At the end every binding's rows are checked: one per key, exactly the readings accepted.
 *
 * The user service runs as `ficus serve user` does without a monolith beside it (it owns M02): its
 * router on a real port over svc_user, a copy of the legacy database's reference tables and M02
 * rows, in the bench's own cluster (FICUS_BENCH_DIR, default /tmp/ficus-bench-user-device, port
 * 54391); its database is dropped at the end.
 * Run: npx tsx bench/user-device-sync.ts [--seconds N]   (N seconds per slice, default 3; 3 rounds; ends with one JSON line)
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../services/kit/runner/service-runtime.ts';
import { USER_MIGRATIONS } from '../services/user/db/migrations.ts';
import { onKysely } from '../services/user/db/sql-runner.ts';
import type { UserDatabase } from '../services/user/db/tables.ts';
import { syncDeviceReadings, type DeviceReading } from '../services/user/domain/device-readings.ts';
import { UNIT_OF_RECORD } from '../services/user/domain/health-actions.ts';
import user from '../services/user/index.ts';
import { processCpuMs } from './support/cpu-time.ts';
import { interleave, type InterleavedFigures, type Variant } from './support/interleaved.ts';
import { cpuMsOfProcessTree } from './support/process-tree-cpu.ts';
import { round, secondsArgument } from './support/measure.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-user-device';
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(3);
const ROUNDS = 3;
const CONCURRENCY = 4;
const BATCH = 500;
const BINDINGS = 16;
/** hp_legacy: members member001 … member240 are uids 6 … 245. */
const MEMBERS = Array.from({ length: BINDINGS }, (_, i) => 6 + i);
const SERVICE_DATABASE = 'user_device_bench_svc';
const USER_TABLES = ['health_records', 'device_bindings', 'health_goals', 'assessments'];
const BAND_TYPES = ['steps', 'heart_rate', 'sleep_hours'] as const;

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });

const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54391));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`);
const dataDirectory = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
const postmasterPid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);

/** svc_user as a backfill leaves it, plus the baseline's table (health_records' columns, a unique index on the natural key). */
async function prepareServiceDatabase(): Promise<void> {
  await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
  await provisionServiceDatabase(serviceUrl, USER_MIGRATIONS);
  await copyServiceBackfill(bench.legacyPool, serviceUrl, 'user', USER_TABLES);
  const target = new pg.Client({ connectionString: serviceUrl });
  await target.connect();
  try {
    await target.query('CREATE TABLE bench_plain_readings (LIKE health_records INCLUDING DEFAULTS INCLUDING INDEXES)');
    await target.query('CREATE UNIQUE INDEX bench_plain_readings__key ON bench_plain_readings (device_binding_id, measured_at, record_type)');
    await target.query('ANALYZE');
  } finally {
    await target.end();
  }
}

/** Readings with keys never used before: each binding's clock moves one second per reading. */
const clocks = new Map<number, number>();
function newBatch(bindingId: number): DeviceReading[] {
  let t = clocks.get(bindingId) ?? Date.UTC(2025, 0, 1);
  const batch = Array.from({ length: BATCH }, (_, i) => {
    const recordType = BAND_TYPES[i % 3]!;
    t += 1000;
    return { recordType, measuredAt: new Date(t).toISOString(), value: recordType === 'steps' ? 1000 + (i % 900) : recordType === 'heart_rate' ? 60 + (i % 40) : 7.5 };
  });
  clocks.set(bindingId, t);
  return batch;
}

const resources: { close(): Promise<unknown> }[] = [];
let ok = false;
try {
  await prepareServiceDatabase();
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<UserDatabase>(user, {
    databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:user:'), keys: localKeyLookup(() => keys), logger, metrics,
  });
  // Closed in reverse: the runtime (its bus and pool) before the transport it publishes through.
  resources.push({ close: () => transport.close() }, { close: () => runtime.stop() });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  resources.push({ close: () => server.close(1000) });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const pool = new pg.Pool({ connectionString: serviceUrl, max: CONCURRENCY + 2 });
  resources.push({ close: () => pool.end() });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });

  const post = async (uid: number, bindingId: number, readings: DeviceReading[]) => {
    const response = await fetch(`${baseUrl}/users/${uid}/device-bindings/${bindingId}/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(keys, { userId: uid })}` },
      body: JSON.stringify({ readings }),
    });
    const body = (await response.json()) as { accepted: number; duplicates: number };
    if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };

  // One band per member, bound over REST, and one stored batch each for the duplicates variant.
  const bindings: { id: number; userId: number; stored: DeviceReading[] }[] = [];
  for (const uid of MEMBERS) {
    const response = await fetch(`${baseUrl}/users/${uid}/device-bindings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(keys, { userId: uid })}` },
      body: JSON.stringify({ deviceType: 'band', vendor: 'Huawei', serial: `BENCH-${uid}-${Date.now()}` }),
    });
    const binding = (await response.json()) as { id: number };
    if (response.status !== 201) throw new Error(`binding answered ${response.status}: ${JSON.stringify(binding)}`);
    const stored = newBatch(binding.id);
    await post(uid, binding.id, stored);
    bindings.push({ id: binding.id, userId: uid, stored });
  }
  const accepted = new Map<number, number>(bindings.map((b) => [b.id, BATCH]));
  let turn = 0;
  const nextBinding = () => bindings[turn++ % bindings.length]!;

  const cpu = () => ({ node: processCpuMs(process.pid), postgres: cpuMsOfProcessTree(postmasterPid) });
  const variants: Variant[] = [
    {
      name: 'REST sync, new readings',
      cpu,
      async call() {
        const b = nextBinding();
        const answer = await post(b.userId, b.id, newBatch(b.id));
        accepted.set(b.id, accepted.get(b.id)! + answer.accepted);
      },
    },
    {
      name: 'REST sync, batch already stored',
      cpu,
      async call() {
        const b = nextBinding();
        const answer = await post(b.userId, b.id, b.stored);
        if (answer.accepted !== 0) throw new Error(`a stored batch was stored again (${answer.accepted} readings)`);
      },
    },
    {
      name: 'domain syncDeviceReadings (no HTTP), new readings',
      cpu,
      async call() {
        const b = nextBinding();
        const outcome = await db.transaction().execute((tx) =>
          syncDeviceReadings(onKysely(tx), { publish: async (events) => void (await runtime.bus.publishMany(tx, events)) }, b.userId, b.id, newBatch(b.id)));
        accepted.set(b.id, accepted.get(b.id)! + outcome.accepted);
      },
    },
    {
      name: 'baseline: INSERT … ON CONFLICT DO NOTHING',
      cpu,
      async call() {
        const b = nextBinding();
        const batch = newBatch(b.id);
        await pool.query(
          `INSERT INTO bench_plain_readings (user_id, device_binding_id, record_type, unit, source, measured_at, value, value2, create_uid, write_uid, create_date, write_date)
           SELECT $1, $2, r.record_type, r.unit, 'device', r.measured_at, r.value, 0, $1, $1, now() at time zone 'UTC', now() at time zone 'UTC'
             FROM unnest($3::varchar[], $4::varchar[], $5::timestamp[], $6::float8[]) AS r(record_type, unit, measured_at, value)
           ON CONFLICT (device_binding_id, measured_at, record_type) DO NOTHING`,
          [b.userId, b.id, batch.map((r) => r.recordType), batch.map((r) => UNIT_OF_RECORD[r.recordType]), batch.map((r) => r.measuredAt.slice(0, 19).replace('T', ' ')), batch.map((r) => r.value)],
        );
      },
    },
  ];
  const figures = await interleave(variants, { rounds: ROUNDS, sliceSeconds: SLICE_SECONDS, concurrency: CONCURRENCY, warmupCalls: 20, warmupSeconds: 3 });

  // Every key once, and exactly the readings the answers said were accepted.
  const { rows: stored } = await pool.query<{ binding: number; n: number; keys: number }>(
    `SELECT device_binding_id AS binding, count(*)::int AS n, count(DISTINCT (record_type, measured_at))::int AS keys
       FROM health_records WHERE device_binding_id = ANY($1::int[]) GROUP BY 1`, [bindings.map((b) => b.id)]);
  const breaches = stored.filter((r) => r.n !== r.keys || r.n !== accepted.get(r.binding));
  const events = (await pool.query<{ n: number }>(`SELECT coalesce(sum((payload->'data'->>'recordCount')::int), 0)::int AS n FROM outbox WHERE type = 'device_data_synced'`)).rows[0]!.n;
  const totalAccepted = [...accepted.values()].reduce((a, b) => a + b, 0);
  const checks = { bindings: bindings.length, readings_stored: stored.reduce((s, r) => s + r.n, 0), readings_accepted: totalAccepted, event_record_count: events, key_breaches: breaches.length };
  ok = breaches.length === 0 && stored.length === bindings.length && events === totalAccepted;
  const loadAtEnd = loadAverage();

  const cores = os.cpus().length;
  console.log(`\ndevice-data sync, batches of ${BATCH} readings over ${BINDINGS} bindings, ${CONCURRENCY} batches at a time, ${ROUNDS} interleaved rounds of ${SLICE_SECONDS} s; ${cores} cores`);
  console.log(`${'case'.padEnd(52)}${'readings/s'.padStart(12)}${'batches/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  CPU ms/batch (node | postgres)`);
  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name.padEnd(52)}${(f.perSecond * BATCH).toFixed(0).padStart(12)}${f.perSecond.toFixed(1).padStart(11)}${f.p50Ms.toFixed(1).padStart(9)}${f.p99Ms.toFixed(1).padStart(9)}  ${(f.cpuMsPerCall.node ?? 0).toFixed(1)} | ${(f.cpuMsPerCall.postgres ?? 0).toFixed(1)}`);
  }
  console.log(`\nchecks: ${JSON.stringify(checks)}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);

  const [rest, replay, domain, baseline] = Object.values(figures) as InterleavedFigures[];
  const perReading = (f: InterleavedFigures) => round(f.perSecond * BATCH, 0);
  console.log(JSON.stringify({
    bench: 'user-device-sync',
    cores,
    batch: BATCH,
    concurrency: CONCURRENCY,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    rest_readings_per_s: perReading(rest!),
    rest_batch_p99_ms: round(rest!.p99Ms, 1),
    rest_replay_readings_per_s: perReading(replay!),
    domain_readings_per_s: perReading(domain!),
    baseline_readings_per_s: perReading(baseline!),
    baseline_batch_p99_ms: round(baseline!.p99Ms, 1),
    rest_over_baseline: round(rest!.perSecond / baseline!.perSecond, 2),
    domain_over_baseline: round(domain!.perSecond / baseline!.perSecond, 2),
    cpu_ms_per_batch: Object.fromEntries(Object.entries(figures).map(([name, f]) => [name, { node: round(f.cpuMsPerCall.node ?? 0, 1), postgres: round(f.cpuMsPerCall.postgres ?? 0, 1) }])),
    checks,
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  for (const r of resources.reverse()) await r.close().catch((error: unknown) => console.error('closing failed:', error));
  // Idle connections of a pool the runtime leaves behind close on their idle timeout (10 s); dropping
  // the database WITH (FORCE) before that would kill them under a pool with no error listener.
  for (let waited = 0; waited < 15_000; waited += 250) {
    const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`, [SERVICE_DATABASE]);
    if (!rows[0]!.n) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await bench.stop();
}
process.exitCode = ok ? 0 : 1;
