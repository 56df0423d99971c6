/**
 * The ops service's hottest M05 read: GET /ops/ratings, the coaches' rating figures ranked by the
 * Bayesian average (every coach's totals, the platform's prior, Python's rounding of the legacy
 * average, the completions beside the page), against the per-coach aggregate in plain SQL in the
 * same run.
 *
 * Data: svc_ops after a backfill of M05 (the monolith's 240 ratings), plus PLANTED ratings spread
 * over COACHES coaches (Zipf-like: a few coaches hold most ratings, many hold one or two), M05
 * owned by the service (`ficus serve ops` with no monolith beside it).
 *
 * Variants, interleaved in slices (bench/support/interleaved.ts), CONCURRENCY at a time:
 * 1. REST: a member's GET /ops/ratings?limit=50 (sort by the Bayesian average), over HTTP with the
 *    bearer check, hp.rating's read right and the response schema check.
 * 2. REST: one coach's figures (GET /ops/ratings?coach=…).
 * 3. Baseline: the per-coach count and sum in plain SQL on a pool (no HTTP, no authorization, no
 *    ranking): the floor of what the database does for this answer.
 * The REST answer is checked against the baseline's totals.
 *
 * Cluster: FICUS_BENCH_DIR (default /tmp/ficus-bench-ops-ratings), port FICUS_BENCH_PG_PORT
 * (default 54393); the service database is dropped at the end.
 * Run: npx tsx bench/ops-ratings.ts [--seconds N]   (N seconds per slice, default 3; 3 rounds; ends with one JSON line)
 */
import os from 'node:os';
import express from 'express';
import pg from 'pg';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { setWriteOwner } from '../migration/control/service-write-gate.ts';
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
import { OPS_MIGRATIONS } from '../services/ops/db/migrations.ts';
import type { OpsDatabase } from '../services/ops/db/tables.ts';
import ops from '../services/ops/index.ts';
import { interleave } from './support/interleaved.ts';
import { round, secondsArgument } from './support/measure.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-ops-ratings';
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(3);
const ROUNDS = 3;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const COACHES = Number(process.env.BENCH_COACHES ?? 2000);
const PLANTED = Number(process.env.BENCH_RATINGS ?? 100_000);
const SERVICE_DATABASE = 'ops_ratings_bench_svc';
const MEMBER = 6;
/** Coach ids of the planted ratings, above every seeded user (the figures do not need the users). */
const FIRST_COACH = 1_000_000;

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54393));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
admin.on('error', () => undefined);
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);

const resources: { close(): Promise<unknown> }[] = [];
let ok = false;
try {
  await provisionServiceDatabase(serviceUrl, OPS_MIGRATIONS);
  await copyServiceBackfill(bench.legacyPool, serviceUrl, 'ops', ['ratings', 'certifications']);
  const sql = new pg.Pool({ connectionString: serviceUrl, max: CONCURRENCY + 2 });
  sql.on('error', () => undefined);
  resources.push({ close: () => sql.end() });
  await setWriteOwner(sql, 'M05', 'service', null);
  // Coach k of COACHES gets a share ~ 1/(k+1) of the planted ratings (at least one each).
  await sql.query(
    `INSERT INTO ratings (coach_id, rater_id, score, create_date, write_date)
     SELECT $1 + least($2 - 1, floor($2 ^ random() - 1)::int), 6, 1 + floor(random() * 5)::int, now(), now() FROM generate_series(1, $3)`,
    [FIRST_COACH, COACHES, PLANTED],
  );
  await sql.query('ANALYZE ratings');

  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  resources.push({ close: () => transport.close() });
  const runtime = await startServiceRuntime<OpsDatabase>(ops, { databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:ops:'), keys: localKeyLookup(() => keys), logger, metrics });
  resources.push({ close: () => runtime.stop() });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  resources.push({ close: () => server.close(1000) });
  const http = new Pool(`http://127.0.0.1:${server.port}`, { connections: CONCURRENCY * 2, pipelining: 1 });
  resources.push({ close: () => http.close() });
  const token = issueToken(keys, { userId: MEMBER });
  const get = async (path: string) => {
    const answer = await http.request({ path, method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`GET ${path}: ${answer.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text) as { prior: { mean: number }; items: Array<{ coachId: number; ratingsCount: number; bayesianAvg: number }>; total: number };
  };
  const baseline = () => sql.query<{ coach_id: number; n: string; total: string }>('SELECT coach_id, count(*)::text AS n, sum(score)::text AS total FROM ratings GROUP BY coach_id');

  // The answer is the baseline's: every coach, their counts, the prior's mean.
  const page = await get('/ops/ratings?limit=200');
  const { rows } = await baseline();
  const all = rows.reduce((acc, r) => ({ n: acc.n + Number(r.n), sum: acc.sum + Number(r.total) }), { n: 0, sum: 0 });
  const counts = new Map(rows.map((r) => [r.coach_id, Number(r.n)]));
  if (page.total !== rows.length) throw new Error(`REST lists ${page.total} coaches, SQL ${rows.length}`);
  if (Math.abs(page.prior.mean - all.sum / all.n) > 1e-4) throw new Error(`prior mean ${page.prior.mean}, SQL ${all.sum / all.n}`);
  for (const item of page.items) if (counts.get(item.coachId) !== item.ratingsCount) throw new Error(`coach ${item.coachId}: ${item.ratingsCount} ratings over REST, ${counts.get(item.coachId)} in SQL`);
  const topCoach = page.items[0]!.coachId;

  const figures = await interleave(
    [
      { name: 'REST GET /ops/ratings (ranked page of 50)', call: () => get('/ops/ratings?limit=50') },
      { name: 'REST GET /ops/ratings?coach=…', call: () => get(`/ops/ratings?coach=${topCoach}`) },
      { name: 'baseline: per-coach SQL aggregate', call: baseline },
    ],
    { rounds: ROUNDS, sliceSeconds: SLICE_SECONDS, concurrency: CONCURRENCY, warmupCalls: 200, warmupSeconds: 5 },
  );
  console.log(`\nops ratings: ${rows.length} coaches, ${all.n} ratings, ${CONCURRENCY} at a time, load ${loadAtStart.join(' ')} → ${loadAverage().join(' ')}`);
  console.log(`${'case'.padEnd(44)}${'calls/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'calls'.padStart(9)}`);
  for (const [name, f] of Object.entries(figures)) console.log(`${name.padEnd(44)}${f.perSecond.toFixed(0).padStart(10)}${f.p50Ms.toFixed(2).padStart(10)}${f.p99Ms.toFixed(2).padStart(10)}${String(f.calls).padStart(9)}`);
  const [ranked, single, floor] = Object.values(figures) as [typeof figures[string], typeof figures[string], typeof figures[string]];
  console.log(JSON.stringify({
    bench: 'ops-ratings', coaches: rows.length, ratings: all.n, concurrency: CONCURRENCY, loadAtStart, loadAtEnd: loadAverage(),
    rankedPage: { perSecond: round(ranked.perSecond), p50Ms: round(ranked.p50Ms, 2), p99Ms: round(ranked.p99Ms, 2) },
    oneCoach: { perSecond: round(single.perSecond), p50Ms: round(single.p50Ms, 2), p99Ms: round(single.p99Ms, 2) },
    baselineSql: { perSecond: round(floor.perSecond), p50Ms: round(floor.p50Ms, 2), p99Ms: round(floor.p99Ms, 2) },
    rankedP99OverBaseline: round(ranked.p99Ms / floor.p99Ms, 2),
  }));
  ok = true;
} finally {
  for (const resource of resources.reverse()) await resource.close().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await bench.stop();
}
process.exit(ok ? 0 : 1);
