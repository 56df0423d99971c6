/**
 * Reconciliation benchmark: `npx tsx bench/reconcile.ts [--rows N] [--concurrency K] [--keep] [--reuse DIR]`.
 *
 * `--reuse DIR` keeps the cluster in DIR between runs: the generated table is kept there as
 * database `bench_pristine` (generated once per row count), and every run copies it into fresh
 * `bench_source` / `bench_target` databases (a file copy, also not timed). Delete DIR to
 * regenerate. Without it, everything lives in a temporary folder removed at the end (`--keep`
 * leaves that folder).
 *
 * Starts its own embedded PostgreSQL under /tmp on a free port, builds two databases holding
 * the same Odoo-shaped table (integer id, 21 columns: timestamps, numeric, float, jsonb, a long
 * text) with INSERT … SELECT generate_series (not timed), then times:
 *   baseline   count(*) on both sides at once (how fast the server can just read the table)
 *   clean      no differences → verdict (target ≤ 30 s at 10 M rows)
 *   0.1 %      scattered + clustered differences of every kind → every key reported (≤ 60 s)
 *   1 %        ten times as many → at most twice the 0.1 % time
 * and checks that every planted key is reported with the right kind. Two baselines are measured
 * in the same run: count(*) on both sides (reading), and one pass of the reconciler's own row
 * hash over every row on both sides at once (the floor no verdict can beat, whatever the
 * chunking). Each scenario also reports the CPU seconds the PostgreSQL server and this process
 * used, and the 1-minute load average when it started: other work on the machine stretches the
 * wall-clock figures, not the CPU ones. Ends with one JSON line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_NORMALISATION, runReconciliation, type DifferenceKind, type ReconcileReport } from '../migration/reconcile/index.ts';
import { introspectTable } from '../migration/reconcile/table-introspection.ts';
import { planTable } from '../migration/reconcile/table-plan.ts';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { createLogger } from '../platform/logger.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = flag('--rows', 10_000_000);
const CONCURRENCY = flag('--concurrency', 1);
const KEEP = args.includes('--keep');
const REUSE = args.includes('--reuse') ? path.resolve(args[args.indexOf('--reuse') + 1] ?? '') : null;
const TABLE = 'bench_rows';

const logger = createLogger({ level: 'warn', format: 'json' });
const dataDir = REUSE ?? (await mkdtemp(path.join(tmpdir(), 'ficus-bench-reconcile-')));
const port = await freePort();
const cluster = await startEmbeddedPostgres({
  dataDir,
  port,
  logger,
  extraSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', shared_buffers: '1GB', work_mem: '256MB', max_wal_size: '8GB' },
});
// Interrupted: stop the server and remove its files, as the normal end does.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cluster.stop().finally(() => (REUSE ? undefined : rm(dataDir, { recursive: true, force: true }))).finally(() => process.exit(130));
  });
}
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

try {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  const generation = Date.now();
  if (REUSE) {
    // The pristine copy is tagged with its row count (a comment on the database).
    const { rows } = await admin.query<{ rows: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS rows FROM pg_database WHERE datname = 'bench_pristine'`,
    );
    if (rows[0]?.rows !== String(ROWS)) {
      await admin.query('DROP DATABASE IF EXISTS bench_pristine');
      await admin.query('CREATE DATABASE bench_pristine');
      log(`generating ${ROWS.toLocaleString('en')} rows into ${dataDir} (not timed; kept for later runs)…`);
      await generate(cluster.url('bench_pristine'), ROWS);
      await admin.query(`COMMENT ON DATABASE bench_pristine IS '${ROWS}'`);
    }
    await admin.query('DROP DATABASE IF EXISTS bench_source');
    await admin.query('DROP DATABASE IF EXISTS bench_target');
    await admin.query('CREATE DATABASE bench_source TEMPLATE bench_pristine STRATEGY FILE_COPY');
  } else {
    await admin.query('CREATE DATABASE bench_source');
    log(`generating ${ROWS.toLocaleString('en')} rows (not timed)…`);
    await generate(cluster.url('bench_source'), ROWS);
  }
  await admin.query('CREATE DATABASE bench_target TEMPLATE bench_source STRATEGY FILE_COPY');
  await admin.end();
  log(`${REUSE ? 'copied' : 'generated'} both databases in ${((Date.now() - generation) / 1000).toFixed(0)} s`);

  const source = new pg.Pool({ connectionString: cluster.url('bench_source'), max: CONCURRENCY + 2 });
  const target = new pg.Pool({ connectionString: cluster.url('bench_target'), max: CONCURRENCY + 2 });
  await Promise.all([source.query(`SELECT count(*) FROM ${TABLE}`), target.query(`SELECT count(*) FROM ${TABLE}`)]); // warm the cache
  const reconcile = () =>
    runReconciliation({
      tables: [{ table: TABLE }],
      source: { pool: source, label: 'bench_source' },
      targetFor: () => ({ pool: target, label: 'bench_target' }),
      tuning: { concurrency: CONCURRENCY },
      rules: false,
    });

  const serverCpu = serverCpuMeter(path.join(dataDir, 'pg'));
  const baseline = await timed(async () => {
    await Promise.all([source.query(`SELECT count(*) FROM ${TABLE}`), target.query(`SELECT count(*) FROM ${TABLE}`)]);
  }, serverCpu);
  // The row hash exactly as the reconciler builds it for this table.
  const shape = await introspectTable(source, TABLE);
  const rowHash = planTable(TABLE, TABLE, shape, shape, DEFAULT_NORMALISATION, { lagWindowMs: 0, writeDateColumn: 'write_date' }).side.source.rowHash;
  const floor = await timed(async () => {
    await Promise.all([source, target].map((pool) => pool.query(`SELECT count(*), bit_xor(${rowHash}) FROM ${TABLE}`)));
  }, serverCpu);
  log(`hash floor: ${(floor.ms / 1000).toFixed(1)} s`);

  const results: Scenario[] = [];
  const expected = new Map<string, DifferenceKind>();
  results.push(measure('clean', 0, expected, await timed(reconcile, serverCpu)));
  log(`clean: ${results[0]!.seconds.toFixed(1)} s`);

  await plant({ source, target }, ROWS, 0.001, 0, expected);
  results.push(measure('0.1 %', 0.001, expected, await timed(reconcile, serverCpu)));
  log(`0.1 %: ${results[1]!.seconds.toFixed(1)} s`);

  await plant({ source, target }, ROWS, 0.009, 1, expected);
  results.push(measure('1 %', 0.01, expected, await timed(reconcile, serverCpu)));
  log(`1 %: ${results[2]!.seconds.toFixed(1)} s`);
  await Promise.all([source.end(), target.end()]);

  const [clean, p01, p1] = results as [Scenario, Scenario, Scenario];
  const targets = {
    clean: clean.seconds <= 30 && clean.verdict === 'clean',
    p01: p01.seconds <= 60 && p01.allReported,
    p1: p1.seconds <= 2 * p01.seconds && p1.allReported,
  };
  printTable([{ name: 'baseline count(*) both sides', ...baseline }, { name: 'floor: row hash of every row, both sides', ...floor }], results, targets);
  console.log(
    JSON.stringify({
      bench: 'reconcile',
      rows: ROWS,
      columns: 21,
      concurrency: CONCURRENCY,
      baseline_count_both_sides_s: round(baseline.ms / 1000),
      floor_hash_both_sides_s: round(floor.ms / 1000),
      floor_server_cpu_s: round(floor.serverCpuS),
      load_avg_1m: Object.fromEntries(results.map((r) => [r.name, r.load])),
      server_cpu_s: Object.fromEntries(results.map((r) => [r.name, round(r.serverCpuS)])),
      node_cpu_s: Object.fromEntries(results.map((r) => [r.name, round(r.nodeCpuS)])),
      clean_s: round(clean.seconds),
      clean_verdict: clean.verdict,
      p01_s: round(p01.seconds),
      p01_planted: p01.planted,
      p01_reported: p01.reported,
      p01_all_reported: p01.allReported,
      p1_s: round(p1.seconds),
      p1_planted: p1.planted,
      p1_reported: p1.reported,
      p1_all_reported: p1.allReported,
      p1_over_p01: round(p1.seconds / p01.seconds),
      phases_ms: Object.fromEntries(results.map((r) => [r.name, r.phases])),
      targets_met: targets,
    }),
  );
} finally {
  await cluster.stop();
  if (!KEEP && !REUSE) await rm(dataDir, { recursive: true, force: true });
}

interface Scenario {
  name: string;
  share: number;
  seconds: number;
  verdict: string;
  planted: number;
  reported: number;
  allReported: boolean;
  phases: Record<string, number>;
  serverCpuS: number;
  nodeCpuS: number;
  load: number;
}

interface Timed<T> {
  result: T;
  ms: number;
  /** CPU seconds of every PostgreSQL process of the bench cluster meanwhile. */
  serverCpuS: number;
  nodeCpuS: number;
  /** 1-minute load average when it started. */
  load: number;
}

async function timed<T>(run: () => Promise<T>, serverCpu: () => number): Promise<Timed<T>> {
  const load = round(loadavg()[0]!);
  const cpu0 = serverCpu();
  const node0 = process.cpuUsage();
  const started = Date.now();
  const result = await run();
  const ms = Date.now() - started;
  const node = process.cpuUsage(node0);
  return { result, ms, serverCpuS: serverCpu() - cpu0, nodeCpuS: (node.user + node.system) / 1e6, load };
}

/**
 * CPU seconds used so far by the cluster: the postmaster, its live children (backends, parallel
 * and IO workers) and the children it has reaped. Linux only (/proc); elsewhere always 0.
 */
function serverCpuMeter(clusterDir: string): () => number {
  const tick = 100; // USER_HZ
  const stat = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
  };
  return () => {
    try {
      const postmaster = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const main = stat(postmaster);
      let ticks = main.own + main.reaped;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const s = stat(Number(entry));
          if (s.ppid === postmaster) ticks += s.own;
        } catch {
          // exited meanwhile
        }
      }
      return ticks / tick;
    } catch {
      return 0;
    }
  };
}

function measure(name: string, share: number, expected: Map<string, DifferenceKind>, run: Timed<ReconcileReport>): Scenario {
  const { result: report, ms } = run;
  const table = report.tables[0]!;
  const found = new Map(table.differences.map((d) => [d.key, d.kind]));
  const allReported = found.size === expected.size && [...expected].every(([key, kind]) => found.get(key) === kind);
  return {
    name, share, seconds: ms / 1000, verdict: report.status, planted: expected.size, reported: found.size, allReported,
    serverCpuS: run.serverCpuS, nodeCpuS: run.nodeCpuS, load: run.load,
    phases: { checksum: table.timingsMs.checksum, bisect: table.timingsMs.bisect, rows: table.timingsMs.rows, describe: table.timingsMs.total - table.timingsMs.checksum - table.timingsMs.bisect - table.timingsMs.rows },
  };
}

/**
 * Plants `share` of the rows as differences, 70 % scattered (by a hash of the id) and 30 %
 * clustered (contiguous id blocks), each third of a kind: changed columns in the target, rows
 * deleted from the target, rows only in the target (deleted from the source, or appended).
 * `round` picks disjoint hash ranges and block positions, so rounds add up.
 */
async function plant(db: { source: pg.Pool; target: pg.Pool }, rows: number, share: number, round: number, expected: Map<string, DifferenceKind>): Promise<void> {
  const total = Math.round(rows * share);
  const scattered = Math.round(total * 0.7);
  const block = Math.max(1, Math.round((total - scattered) / 3));
  const base = round === 0 ? 0 : 1000; // hash range offset, per million
  const perMillion = Math.round(share * 0.7 * 1_000_000);
  const third = Math.floor(perMillion / 3);
  const blockAt = (slot: number) => Math.floor(rows * (0.1 + 0.25 * slot + 0.05 * round));
  // Scattered picks avoid every round's blocks and the appended ids, so no key is planted twice.
  const blocksOfAllRounds = [0, 1].flatMap((r) => [0, 1].map((slot) => Math.floor(rows * (0.1 + 0.25 * slot + 0.05 * r))));
  const outsideBlocks = `id <= ${rows} AND NOT (${blocksOfAllRounds.map((at) => `id BETWEEN ${at} AND ${at + Math.round(rows * 0.01)}`).join(' OR ')})`;
  const hashed = (lo: number, hi: number) => `abs(hashint4(id)) % 1000000 >= ${base + lo} AND abs(hashint4(id)) % 1000000 < ${base + hi} AND ${outsideBlocks}`;
  const record = (ids: { id: number }[], kind: DifferenceKind) => ids.forEach((r) => expected.set(String(r.id), kind));

  record((await db.target.query(`UPDATE ${TABLE} SET amount = amount + 1, note = 'changed' WHERE ${hashed(0, third)} RETURNING id`)).rows, 'different');
  record((await db.target.query(`DELETE FROM ${TABLE} WHERE ${hashed(third, 2 * third)} RETURNING id`)).rows, 'missing-in-target');
  record((await db.source.query(`DELETE FROM ${TABLE} WHERE ${hashed(2 * third, 3 * third)} RETURNING id`)).rows, 'missing-in-source');

  record((await db.target.query(`UPDATE ${TABLE} SET data = data || '{"flag": true}', write_date = write_date + interval '1 second' WHERE id BETWEEN ${blockAt(0)} AND ${blockAt(0) + block - 1} RETURNING id`)).rows, 'different');
  record((await db.target.query(`DELETE FROM ${TABLE} WHERE id BETWEEN ${blockAt(1)} AND ${blockAt(1) + block - 1} RETURNING id`)).rows, 'missing-in-target');
  const appendFrom = rows + 1 + round * rows;
  record((await db.target.query(`INSERT INTO ${TABLE} SELECT ${appendFrom - 1} + g, ${columnsFor('g')} FROM generate_series(1, ${block}) g RETURNING id`)).rows, 'missing-in-source');
  await Promise.all([db.source.query(`VACUUM ANALYZE ${TABLE}`), db.target.query(`VACUUM ANALYZE ${TABLE}`)]);
}

function columnsFor(g: string): string {
  return `(${g} % 5000)::int, (${g} % 3000)::int, 1, (ARRAY['draft','confirmed','done','cancel'])[1 + ${g} % 4]::varchar, 'SO' || lpad(${g}::text, 9, '0'),
    'REF-' || (${g} * 7)::text, round((${g} % 100000) * 1.37, 2)::numeric(14,2), (${g} % 977)::numeric / 8, (${g} % 1013) * 0.25::float8,
    timestamp '2024-01-01' + ${g} * interval '1.234567 second', timestamp '2024-06-01' + ${g} * interval '0.5 second',
    timestamp '2025-01-01' + ${g} * interval '17 millisecond', timestamp '2025-06-01' + ${g} * interval '23 millisecond',
    jsonb_build_object('line', ${g} % 10, 'tags', jsonb_build_array('a', ${g} % 7), 'price', (${g} % 500) * 1.5),
    repeat(md5(${g}::text), 8), ${g} % 10 <> 0, (${g} % 3)::int, CASE WHEN ${g} % 4 = 0 THEN NULL ELSE 'note ' || ${g} END, 2, 2`;
}

async function generate(url: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    CREATE TABLE ${TABLE} (
      id integer NOT NULL, partner_id integer, user_id integer, company_id integer, state varchar, name varchar, ref varchar,
      amount numeric(14,2), qty numeric, price double precision, ordered_at timestamp, done_at timestamp,
      create_date timestamp, write_date timestamp, data jsonb, body text, active boolean, priority integer, note text,
      create_uid integer, write_uid integer)`);
  // In slices so a 10 M-row load does not build one huge transaction's worth of WAL at once.
  const step = 1_000_000;
  for (let lo = 1; lo <= rows; lo += step) {
    const hi = Math.min(rows, lo + step - 1);
    await client.query(`INSERT INTO ${TABLE} SELECT g, ${columnsFor('g')} FROM generate_series(${lo}, ${hi}) g`);
  }
  await client.query(`ALTER TABLE ${TABLE} ADD PRIMARY KEY (id)`);
  await client.query(`VACUUM ANALYZE ${TABLE}`);
  await client.end();
}

function printTable(baselines: ({ name: string } & Timed<unknown>)[], results: Scenario[], targets: Record<string, boolean>): void {
  const cpu = (server: number, node: number) => `${server.toFixed(1)} + ${node.toFixed(1)} s`;
  const rows = [
    ['scenario', 'planted', 'reported', 'all right', 'verdict', 'checksum', 'bisect', 'rows', 'describe', 'total', 'cpu pg + node', 'load', 'target', 'met'],
    ...baselines.map((b) => [b.name, '', '', '', '', '', '', '', '', `${(b.ms / 1000).toFixed(1)} s`, cpu(b.serverCpuS, b.nodeCpuS), b.load.toFixed(2), '', '']),
    ...results.map((r, i) => [
      r.name, String(r.planted), String(r.reported), r.allReported ? 'yes' : 'NO', r.verdict,
      ...['checksum', 'bisect', 'rows', 'describe'].map((k) => `${((r.phases[k] ?? 0) / 1000).toFixed(1)} s`),
      `${r.seconds.toFixed(1)} s`,
      cpu(r.serverCpuS, r.nodeCpuS),
      r.load.toFixed(2),
      i === 0 ? '≤ 30 s' : i === 1 ? '≤ 60 s' : `≤ 2 × 0.1 % (${(2 * results[1]!.seconds).toFixed(1)} s)`,
      [targets.clean, targets.p01, targets.p1][i] ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`reconcile bench: ${ROWS.toLocaleString('en')} rows × 21 columns, ${CONCURRENCY} checksum connection per side, ${cpus().length} CPUs`);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
