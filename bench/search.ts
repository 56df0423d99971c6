// Search benchmark (issue 23 bar 4): 100,000 generated documents (bench/support/search-corpus.ts,
// deterministic) indexed by each backend available through the search port's replaceAll, then a
// fixed mix of queries (1-3 words, a third typed halfway, some with a tag, a kind, recency, page 2)
// from concurrent callers: index time, queries/s, p50 and p99, with the load average beside each.
// PostgreSQL always (an embedded cluster of its own); OpenSearch when there is java (a node started
// by search/distributed/opensearch.sh, or the one at BENCH_OPENSEARCH_URL). Ends with one JSON line.
//   npx tsx bench/search.ts                      SEARCH_BENCH_DOCS, SEARCH_BENCH_SECONDS, SEARCH_BENCH_CONCURRENCY
//   npx tsx bench/search.ts --no-opensearch      (or SEARCH_BENCH_OPENSEARCH=0)
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { OpenSearchSearchBackend } from '../services/kit/search/opensearch-backend.ts';
import { PostgresSearchBackend } from '../services/kit/search/postgres-backend.ts';
import type { SearchBackend } from '../services/kit/search/search-port.ts';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../platform/logger.ts';
import { freePort } from './support/free-port.ts';
import { measure } from './support/measure.ts';
import { searchCorpus } from './support/search-corpus.ts';

const DOCS = Number(process.env.SEARCH_BENCH_DOCS ?? 100_000);
const SECONDS = Number(process.env.SEARCH_BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.SEARCH_BENCH_CONCURRENCY ?? 8);
const BATCH = 1000;
const QUERIES = 500;
const SKIP_OPENSEARCH = process.argv.includes('--no-opensearch') || process.env.SEARCH_BENCH_OPENSEARCH === '0';
const OPENSEARCH_SH = path.resolve(import.meta.dirname, '../search/distributed/opensearch.sh');
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'json' });

interface BackendFigures {
  backend: string;
  documents: number;
  indexMs: number;
  indexedPerS: number;
  queries: number;
  queriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean hits total of the query mix (the same for both backends would be a coincidence: analyzers differ in detail). */
  meanTotal: number;
  load: string;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function run(name: string, backend: SearchBackend): Promise<BackendFigures> {
  const corpus = searchCorpus(DOCS);
  await backend.ensureIndex();
  const loadBefore = load();
  const t0 = performance.now();
  const { indexed } = await backend.replaceAll(corpus.batches(BATCH));
  await backend.refresh();
  const indexMs = Math.round(performance.now() - t0);
  console.error(`[search bench] ${name}: indexed ${indexed} in ${indexMs} ms (load ${loadBefore} -> ${load()})`);

  const queries = corpus.queries(QUERIES);
  // The mean total over the first 100 queries: the same for both backends says they match alike.
  let totals = 0;
  for (const q of queries.slice(0, 100)) totals += (await backend.search(q)).total;
  let i = 0;
  const loadAtStart = load();
  const figures = await measure(() => backend.search(queries[i++ % queries.length]!), { seconds: SECONDS, concurrency: CONCURRENCY, warmupSeconds: 3 });
  const loadAfter = load();
  console.error(`[search bench] ${name}: ${figures.perSecond.toFixed(1)} queries/s p50 ${figures.p50Ms.toFixed(1)} ms p99 ${figures.p99Ms.toFixed(1)} ms (load ${loadAtStart} -> ${loadAfter})`);
  return {
    backend: name,
    documents: indexed,
    indexMs,
    indexedPerS: Math.round(indexed / (indexMs / 1000)),
    queries: figures.calls,
    queriesPerS: Math.round(figures.perSecond * 10) / 10,
    p50Ms: Math.round(figures.p50Ms * 10) / 10,
    p99Ms: Math.round(figures.p99Ms * 10) / 10,
    meanTotal: Math.round(totals / 100),
    load: `${loadAtStart} -> ${loadAfter}`,
  };
}

async function benchPostgres(): Promise<BackendFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'search-bench-'));
  const cluster = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    logger,
    // Durability is not what is measured (the test cluster's settings); search is reads.
    extraSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  try {
    await admin.connect();
    await admin.query('CREATE DATABASE search_bench');
    await admin.end();
    const pool = new pg.Pool({ connectionString: cluster.url('search_bench'), max: CONCURRENCY + 2 });
    // An idle client's connection ended by the cluster's stop is no failure of the bench.
    pool.on('error', () => {});
    try {
      return await run('postgres', new PostgresSearchBackend({ pool }));
    } finally {
      await pool.end();
    }
  } finally {
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function script(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [OPENSEARCH_SH, ...args], { env }, (error, stdout, stderr) => {
      if (stderr.trim()) console.error(stderr.trim());
      if (error) reject(new Error(`opensearch.sh ${args.join(' ')} failed: ${error.message}`));
      else resolve(stdout);
    });
  });
}

async function benchOpenSearch(): Promise<BackendFigures & { startMs: number | null; rssMiB: number | null }> {
  let url = process.env.BENCH_OPENSEARCH_URL;
  let stop = async () => {};
  let startMs: number | null = null;
  let pidFile: string | undefined;
  if (!url) {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'search-bench-opensearch-'));
    // Full JIT (C2) and class verification, as a deployment runs: jvm.options trades them for start-up.
    const env = { ...process.env, FICUS_OPENSEARCH_STATE: stateDir, OPENSEARCH_JAVA_OPTS: `${process.env.OPENSEARCH_JAVA_OPTS ?? ''} -XX:TieredStopAtLevel=4 -XX:+BytecodeVerificationRemote`.trim() };
    stop = async () => {
      await script(['stop'], env).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    };
    const t0 = performance.now();
    try {
      await script(['start'], env);
    } catch (error) {
      await stop();
      throw error;
    }
    startMs = Math.round(performance.now() - t0);
    url = `http://127.0.0.1:${(await readFile(path.join(stateDir, 'http.port'), 'utf8')).trim()}`;
    pidFile = path.join(stateDir, 'opensearch.pid');
  }
  const backend = new OpenSearchSearchBackend({ url, index: 'search_bench' });
  try {
    const figures = await run('opensearch', backend);
    const rssMiB = pidFile ? await rssOf(Number(await readFile(pidFile, 'utf8'))) : null;
    return { ...figures, startMs, rssMiB };
  } finally {
    await backend.close();
    await stop();
  }
}

async function rssOf(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : null;
}

function javaAvailable(): boolean {
  return spawnSync(process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java', ['-version'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  const postgres = await benchPostgres();
  const skipped = SKIP_OPENSEARCH ? '--no-opensearch' : process.env.BENCH_OPENSEARCH_URL || javaAvailable() ? null : 'no java';
  // After PostgreSQL has stopped: the JVM would otherwise share the two cores with it.
  const openSearch = skipped ? null : await benchOpenSearch();
  console.table([postgres, openSearch ?? { backend: `opensearch: skipped (${skipped})` }]);
  console.log(
    JSON.stringify({
      bench: 'search',
      documents: DOCS,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      postgres_index_ms: postgres.indexMs,
      postgres_queries_per_s: postgres.queriesPerS,
      postgres_p50_ms: postgres.p50Ms,
      postgres_p99_ms: postgres.p99Ms,
      postgres_load: postgres.load,
      opensearch_index_ms: openSearch?.indexMs ?? null,
      opensearch_queries_per_s: openSearch?.queriesPerS ?? null,
      opensearch_p50_ms: openSearch?.p50Ms ?? null,
      opensearch_p99_ms: openSearch?.p99Ms ?? null,
      opensearch_load: openSearch?.load ?? null,
      opensearch_start_ms: openSearch?.startMs ?? null,
      opensearch_rss_mib: openSearch?.rssMiB ?? null,
      ...(skipped ? { opensearch_skipped: skipped } : {}),
    }),
  );
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
