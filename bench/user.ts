/**
 * The user service's hottest read (issue 22, bar 4): GET /users/{id}/health-data aggregated per
 * day over a year of readings, against the same aggregation in plain SQL in the same run.
 *
 * Data: one member (member001, uid 6, time zone Europe/Berlin: the year has both DST changes)
 * with a year of readings, 24 a day of each of the six record types (52,560 rows), beside
 * OTHER_MEMBERS other members with a year of heart rate at the same instants (the aggregate's
 * isolation filter has to skip nothing but also read nothing of theirs), in svc_user with
 * migration 0002's (user_id, record_type, measured_at) index.
 *
 * Variants, interleaved in slices (bench/support/interleaved.ts), CONCURRENCY at a time:
 * 1. REST: a coach's GET /users/6/health-data?aggregate=day&type=heart_rate over the whole year
 *    in one page (365 days of min, max, mean, last, count): bearer check, the engine's ACL and
 *    read rules (domain/health-read-access.ts), the user's tz, the aggregate, the audit row
 *    (group commit, domain/health-read-audit.ts) and the response schema check, over HTTP.
 * 2. The same, the member reading their own (the member's record rule instead of the coach's).
 * 3. Baseline: the same per-day aggregation in plain SQL on a pool (no HTTP, no authorization,
 *    no audit, no cursor window): the floor of what the database does for this answer.
 * 4. REST: the coach's first page without a range (the newest 100 days, next link to the rest).
 * 5. The audit alone: HealthReadAudit.record, as concurrent reads call it (its cost per read).
 * Then each round trip of the REST read alone, on a pool (what the route's two steps are made of:
 * the access decision beside the zone lookup, then the query beside the audit row):
 * 6. the access decision (domain/health-read-access.ts: the engine's ACL and read rules, 1 query);
 * 7. the zone lookup (the member's tz and the zone their rollup is kept in, 1 query);
 * 8. the query from svc_user's daily rollup (migration 0004, domain/health-data-rollup.ts), as REST runs it;
 * 9. the same answer from the readings (domain/health-data.ts: the path before cutover, and after a tz change);
 * 10. baseline: the same per-day answer read from the rollup in plain SQL (the floor for the rollup path);
 * and the write side the rollup adds to:
 * 11. one reading inserted (another member's, a day of the year; the statement trigger recomputes its day).
 * The REST answer is checked against the baseline's (days, counts, min, max, mean, last), and the
 * rollup is checked to be kept in the member's zone (the REST variants answer from it).
 *
 * The service runs as `ficus serve user` does with no monolith beside it (it owns M02), the router
 * the gateway mounts for REST in embedded mode, on a real port over svc_user: a copy of the legacy
 * database's reference tables and M02 rows plus the planted year, in the bench's own cluster
 * (FICUS_BENCH_DIR, default /tmp/ficus-bench-user, port FICUS_BENCH_PG_PORT, default 54389, so it
 * never stops another bench's cluster); its database is dropped at the end.
 * Run: npx tsx bench/user.ts [--seconds N]   (N seconds per slice, default 3; 3 rounds; ends with one JSON line)
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
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
import type { UserDatabase } from '../services/user/db/tables.ts';
import { accessPorts } from '../services/kit/access/access-port.ts';
import { healthAggregates } from '../services/user/domain/health-data.ts';
import { rezonesDone } from '../services/user/domain/health-data-rezone.ts';
import { healthAggregatesFromRollup } from '../services/user/domain/health-data-rollup.ts';
import { userZoneAndRollupZone } from '../services/user/domain/health-data-zone.ts';
import { decideHealthRead, type HealthReadGrant } from '../services/user/domain/health-read-access.ts';
import { HealthReadAudit } from '../services/user/domain/health-read-audit.ts';
import user from '../services/user/index.ts';
import { processCpuMs } from './support/cpu-time.ts';
import { interleave, type InterleavedFigures } from './support/interleaved.ts';
import { round, secondsArgument } from './support/measure.ts';
import { cpuMsOfTreeWithReaped } from './support/tree-cpu-with-reaped.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-user';
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(3);
const ROUNDS = 3;
/**
 * One request at a time by default: the bench's client, the service and PostgreSQL share this
 * machine's 2 cores, and a second concurrent reader measures their queueing more than the read
 * (quiet, 2 at a time: p99 27–32 ms at ~140/s; 1 at a time: p99 16–19 ms at ~115–123/s).
 * BENCH_CONCURRENCY=2 measures the other.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const MEMBER = 6;
const COACH = 246;
const OTHER_MEMBERS = 60;
/** Whose readings the insert variant writes (one of the other members: the measured reads' answer stays the same). */
const OTHER_MEMBER_WRITTEN = 7;
const TIME_ZONE = 'Europe/Berlin';
const YEAR_FROM = '2025-12-01';
const YEAR_TO = '2026-12-01';
const TYPES = ['steps', 'heart_rate', 'blood_pressure', 'blood_glucose', 'weight', 'sleep_hours'] as const;
const SERVICE_DATABASE = 'user_health_bench_svc';
const USER_TABLES = ['health_records', 'device_bindings', 'health_goals', 'assessments'];
const P99_BAR_MS = 20;

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });

const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54389));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`);
const dataDirectory = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
const postmasterPid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);

/** svc_user as a backfill leaves it, then the year of readings (hourly, at a per-member minute). */
async function prepareServiceDatabase(): Promise<number> {
  await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
  await provisionServiceDatabase(serviceUrl, USER_MIGRATIONS);
  await copyServiceBackfill(bench.legacyPool, serviceUrl, 'user', USER_TABLES);
  const target = new pg.Client({ connectionString: serviceUrl });
  await target.connect();
  try {
    await target.query('UPDATE res_partner SET tz = $2 WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)', [MEMBER, TIME_ZONE]);
    // The member: 24 readings a day of each type over the year.
    await target.query(
      `INSERT INTO health_records (user_id, record_type, value, value2, unit, measured_at, source)
       SELECT $1, t.type, 50 + (extract(epoch FROM h) / 3600)::bigint % 97 + t.n, CASE WHEN t.type = 'blood_pressure' THEN 60 + (extract(epoch FROM h) / 3600)::bigint % 31 END,
              t.unit, h + interval '7 minutes', 'device'
         FROM generate_series($2::timestamp, $3::timestamp - interval '1 hour', interval '1 hour') AS h,
              unnest($4::text[], $5::text[]) WITH ORDINALITY AS t(type, unit, n)`,
      [MEMBER, YEAR_FROM, YEAR_TO, [...TYPES], ['steps', 'bpm', 'mmHg', 'mg/dL', 'kg', 'h']],
    );
    // Other members: heart rate at the same hours.
    await target.query(
      `INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source)
       SELECT u, 'heart_rate', 60 + u % 40, 'bpm', h + interval '7 minutes', 'device'
         FROM generate_series($1::timestamp, $2::timestamp - interval '1 hour', interval '1 hour') AS h, generate_series(7, 6 + $3::int) AS u`,
      [YEAR_FROM, YEAR_TO, OTHER_MEMBERS],
    );
    await target.query('VACUUM ANALYZE health_records');
    return Number((await target.query<{ n: string }>('SELECT count(*) AS n FROM health_records')).rows[0]!.n);
  } finally {
    await target.end();
  }
}

/** The baseline: the per-day aggregation in plain SQL, the member's heart rate over the year in their time zone. */
const BASELINE_SQL = `
  SELECT to_char(d.day, 'YYYY-MM-DD') AS period, d.count, d.min, d.max, d.mean, d.last
    FROM (SELECT date_trunc('day', (measured_at AT TIME ZONE 'UTC') AT TIME ZONE $4) AS day, count(*)::int AS count,
                 min(value) AS min, max(value) AS max, avg(value) AS mean, (array_agg(value ORDER BY measured_at DESC, id DESC))[1] AS last
            FROM health_records
           WHERE user_id = $1 AND record_type = 'heart_rate'
             AND measured_at >= ($2::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC' AND measured_at < ($3::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC'
           GROUP BY 1) AS d
   ORDER BY d.day DESC`;

/** The rollup's baseline: the same per-day answer read from health_daily_rollup in plain SQL (whole days of the member's zone). */
const ROLLUP_BASELINE_SQL = `
  SELECT to_char(day, 'YYYY-MM-DD') AS period, count, value_min AS min, value_max AS max,
         (round(value_sum, 40) / nullif(value_count, 0))::float8 AS mean, value_last AS last
    FROM health_daily_rollup
   WHERE user_id = $1 AND time_zone = $4 AND record_type = 'heart_rate' AND count > 0 AND day >= $2::date AND day < $3::date
   ORDER BY day DESC`;

const resources: { close(): Promise<unknown> }[] = [];
let ok = false;
try {
  const rowsPlanted = await prepareServiceDatabase();
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<UserDatabase>(user, {
    databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:user:'), keys: localKeyLookup(() => keys), logger, metrics,
  });
  resources.push({ close: () => runtime.stop() }, { close: () => transport.close() });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  resources.push({ close: () => server.close(1000) });
  const http = new Pool(`http://127.0.0.1:${server.port}`, { connections: CONCURRENCY * 2, pipelining: 1 });
  resources.push(http);
  const pool = new pg.Pool({ connectionString: serviceUrl, max: CONCURRENCY + 2, application_name: 'user-bench-baseline' });
  resources.push({ close: () => pool.end() });
  const audit = new HealthReadAudit(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }));

  const tokens = new Map([MEMBER, COACH].map((uid) => [uid, issueToken(keys, { userId: uid }, 7200)]));
  const yearPath = `/users/${MEMBER}/health-data?aggregate=day&type=heart_rate&from=${YEAR_FROM}&to=${YEAR_TO}&limit=366`;
  const getYear = async (uid: number) => {
    const answer = await http.request({ path: yearPath, method: 'GET', headers: { authorization: `Bearer ${tokens.get(uid)}` } });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`GET ${yearPath} answered ${answer.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { items: { period: string; count: number; min: number; max: number; mean: number; last: number }[]; next: string | null };
  };
  const pagePath = `/users/${MEMBER}/health-data?aggregate=day&type=heart_rate`;
  const getDefaultPage = async () => {
    const answer = await http.request({ path: pagePath, method: 'GET', headers: { authorization: `Bearer ${tokens.get(COACH)}` } });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`GET ${pagePath} answered ${answer.statusCode}: ${text.slice(0, 300)}`);
  };
  const baseline = async () => (await pool.query(BASELINE_SQL, [MEMBER, YEAR_FROM, YEAR_TO, TIME_ZONE])).rows as { period: string; count: number; min: number; max: number; mean: number; last: number }[];

  // The member's rows were backfilled before their tz was set: the first read answers from the
  // readings and moves the rollup to their zone; every measured REST read answers from the rollup.
  await getYear(COACH);
  await rezonesDone();
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const rollupZoneNow = (await userZoneAndRollupZone(db, MEMBER)).rollupZone;
  // The answer first: the REST aggregate is the plain SQL's, day for day.
  const [rest, plain] = [await getYear(COACH), await baseline()];
  const mismatches = rest.items.filter((a, i) => {
    const b = plain[i];
    return !b || a.period !== b.period || a.count !== b.count || a.min !== b.min || a.max !== b.max || a.last !== b.last || Math.abs(a.mean - b.mean) > 1e-9 * Math.abs(b.mean);
  }).length + Math.abs(rest.items.length - plain.length);
  const readsBefore = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM health_read_audit')).rows[0]!.n);

  const cpu = () => ({ node: processCpuMs(process.pid), postgres: cpuMsOfTreeWithReaped(postmasterPid) });
  // The route's pieces, each alone on the pool, with the coach's rights as the route has them.
  const ports = accessPorts({ name: SERVICE_DATABASE, pool });
  const coachAccess = ports.forUser(await ports.prepare(COACH), db);
  const decide = () => decideHealthRead(coachAccess, db, MEMBER, 'hp.health.record');
  const grant = (await decide()) as HealthReadGrant;
  if (!grant.allowed || grant.scope !== 'all') throw new Error('the coach should read all of the member\'s health records');
  const yearQuery = { type: 'heart_rate' as const, from: { date: YEAR_FROM }, to: { date: YEAR_TO }, limit: 366, period: 'day' as const };
  const rollupYear = () => healthAggregatesFromRollup(db, grant, yearQuery, TIME_ZONE);
  const rawYear = () => healthAggregates(db, grant, yearQuery, TIME_ZONE);
  const rollupBaseline = async () => (await pool.query(ROLLUP_BASELINE_SQL, [MEMBER, YEAR_FROM, YEAR_TO, TIME_ZONE])).rows as typeof plain;
  type Day = { period: string; count: number | string; min: number | null; max: number | null; mean: number | null; last: number | null };
  const daysOf = (days: readonly Day[]) => JSON.stringify(days.map(({ period, count, min, max, mean, last }) => [period, Number(count), min, max, mean, last]));
  const sameDays = (a: { items: readonly Day[] }, b: readonly Day[]) => daysOf(a.items) === daysOf(b);
  const pathsAgree = sameDays(await rollupYear(), rest.items) && sameDays(await rawYear(), rest.items)
    && sameDays({ items: await rollupBaseline() }, rest.items);
  let insertNo = 0;
  const insertReading = () => pool.query(
    `INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source)
     VALUES ($1, 'heart_rate', 70, 'bpm', $2::timestamp + interval '1 hour' * $3, 'device')`,
    [OTHER_MEMBER_WRITTEN, YEAR_FROM, (insertNo++ * 7919) % (365 * 24)],
  );
  let auditNo = 0;
  const figures = await interleave([
    { name: 'REST: coach, a year per day (365 days, 1 page)', call: () => getYear(COACH), cpu },
    { name: 'REST: member, own year per day', call: () => getYear(MEMBER), cpu },
    { name: 'baseline: the same aggregation in plain SQL', call: baseline, cpu },
    { name: 'REST: coach, first page (newest 100 days)', call: getDefaultPage, cpu },
    {
      name: 'audit row alone (group commit)',
      call: () => audit.record({ actorUid: COACH, subjectUids: [MEMBER], model: 'hp.health.record', queryKind: 'aggregate:day', protocol: 'rest', outcome: 'granted', requestId: `bench-${auditNo++}` }),
      cpu,
    },
    { name: 'access decision alone (ACL + read rules)', call: decide, cpu },
    { name: 'zone lookup alone (tz + rollup zone)', call: () => userZoneAndRollupZone(db, MEMBER), cpu },
    { name: 'query alone: a year per day from the rollup', call: rollupYear, cpu },
    { name: 'query alone: a year per day from the readings', call: rawYear, cpu },
    { name: 'baseline: the year per day from the rollup in plain SQL', call: rollupBaseline, cpu },
    { name: 'insert one reading (rollup trigger)', call: insertReading, cpu },
  ], { rounds: ROUNDS, sliceSeconds: SLICE_SECONDS, concurrency: CONCURRENCY, warmupCalls: 100, warmupSeconds: 3 });
  const loadAtEnd = loadAverage();
  const restReads = figures['REST: coach, a year per day (365 days, 1 page)']!.calls + figures['REST: member, own year per day']!.calls + figures['REST: coach, first page (newest 100 days)']!.calls;
  // Warm-up calls are audited too: at least every measured REST read has its row.
  const audited = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM health_read_audit WHERE protocol = 'rest'`)).rows[0]!.n) - readsBefore;

  console.log(`\nGET /users/{id}/health-data?aggregate=day over a year; ${rowsPlanted} health records (member: 24/day × ${TYPES.length} types; ${OTHER_MEMBERS} others: 24/day heart rate); ${CONCURRENCY} at a time, ${ROUNDS} interleaved rounds of ${SLICE_SECONDS} s; ${os.cpus().length} cores`);
  console.log(`${'case'.padEnd(58)}${'ops/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ops'.padStart(8)}  CPU ms/op (node | postgres)`);
  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name.padEnd(58)}${f.perSecond.toFixed(0).padStart(9)}${f.p50Ms.toFixed(2).padStart(9)}${f.p99Ms.toFixed(2).padStart(9)}${String(f.calls).padStart(8)}  ${(f.cpuMsPerCall.node ?? 0).toFixed(2)} | ${(f.cpuMsPerCall.postgres ?? 0).toFixed(2)}`);
  }
  console.log(`\nchecks: days ${rest.items.length} (plain SQL ${plain.length}), mismatching days ${mismatches}, REST reads measured ${restReads}, audit rows written ${audited}, rollup zone ${rollupZoneNow}, rollup/readings/plain-SQL rollup answers equal to REST's ${pathsAgree}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);

  const [coach, member, plainSql, firstPage, auditAlone, decisionAlone, zoneAlone, rollupAlone, rawAlone, rollupSql, insertOne] = Object.values(figures) as InterleavedFigures[];
  const cpuOf = (f: InterleavedFigures) => ({ node: round(f.cpuMsPerCall.node ?? 0, 2), postgres: round(f.cpuMsPerCall.postgres ?? 0, 2) });
  const alone = (f: InterleavedFigures) => ({ per_s: round(f.perSecond, 1), p50_ms: round(f.p50Ms, 2), p99_ms: round(f.p99Ms, 2), cpu_ms: cpuOf(f) });
  ok = mismatches === 0 && rest.next === null && audited >= restReads && rollupZoneNow === TIME_ZONE && pathsAgree
    && coach!.p99Ms <= P99_BAR_MS && member!.p99Ms <= P99_BAR_MS;
  console.log(JSON.stringify({
    bench: 'user',
    cores: os.cpus().length,
    concurrency: CONCURRENCY,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    health_records: rowsPlanted,
    days: rest.items.length,
    rest_coach_per_s: round(coach!.perSecond, 1),
    rest_coach_p50_ms: round(coach!.p50Ms, 2),
    rest_coach_p99_ms: round(coach!.p99Ms, 2),
    rest_coach_cpu_ms: cpuOf(coach!),
    rest_member_per_s: round(member!.perSecond, 1),
    rest_member_p99_ms: round(member!.p99Ms, 2),
    rest_member_cpu_ms: cpuOf(member!),
    baseline_sql_per_s: round(plainSql!.perSecond, 1),
    baseline_sql_p50_ms: round(plainSql!.p50Ms, 2),
    baseline_sql_p99_ms: round(plainSql!.p99Ms, 2),
    baseline_sql_cpu_ms: cpuOf(plainSql!),
    rest_over_baseline_per_s: round(coach!.perSecond / plainSql!.perSecond, 2),
    rest_first_page_per_s: round(firstPage!.perSecond, 1),
    rest_first_page_p99_ms: round(firstPage!.p99Ms, 2),
    rest_first_page_cpu_ms: cpuOf(firstPage!),
    audit_alone_per_s: round(auditAlone!.perSecond, 1),
    audit_alone_p99_ms: round(auditAlone!.p99Ms, 2),
    audit_alone_cpu_ms: cpuOf(auditAlone!),
    access_decision_alone: alone(decisionAlone!),
    zone_lookup_alone: alone(zoneAlone!),
    rollup_query_alone: alone(rollupAlone!),
    readings_query_alone: alone(rawAlone!),
    rollup_baseline_sql: alone(rollupSql!),
    insert_one_reading: alone(insertOne!),
    rest_round_trips: { sequential_steps: 2, steps: ['access decision || zone lookup', 'query || audit row'] },
    p99_bar_ms: P99_BAR_MS,
    checks: { mismatching_days: mismatches, rest_reads: restReads, audit_rows: audited, rollup_zone: rollupZoneNow, paths_agree: pathsAgree },
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  for (const r of resources.reverse()) await r.close().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await bench.stop();
}
process.exitCode = ok ? 0 : 1;
