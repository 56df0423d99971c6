import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { cpuMsOfProcessTree } from './process-tree-cpu.ts';

/**
 * What the bench cluster's PostgreSQL spent over a window: CPU ms of its postmaster and backends
 * (process tree, so other clusters on the machine are left out; a backend that exits in the window
 * takes its CPU with it) and, when pg_stat_statements is loaded (FICUS_BENCH_PG_STATEMENTS=1), how
 * many statements ran and which ones most often. Figures that do not depend on the machine's load.
 */
export interface PostgresWindow {
  cpuMs: number;
  /** Statements executed in the window (BEGIN/COMMIT included), or null without pg_stat_statements. */
  statements: number | null;
  byDatabase: Record<string, number>;
  /** Transactions rolled back in the window (pg_stat_database): conflict retries, refusals, cancelled writes. */
  rollbacks: number;
  /** The most frequent statements of the window (25, or FICUS_BENCH_PG_TOP): calls, mean ms, database, text (cut short). */
  top: { calls: number; meanMs: number; database: string; query: string }[];
}

interface StatementRow { key: string; calls: number; total_ms: number; database: string; query: string }

export async function openPostgresWindow(dataDir: string, adminUrl: string): Promise<() => Promise<PostgresWindow>> {
  const postmasterPid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'bench-statements' });
  await admin.connect();
  const loaded = (await admin.query(`SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'`)).rowCount === 1;
  const snapshot = async (): Promise<Map<string, StatementRow>> => {
    if (!loaded) return new Map();
    const { rows } = await admin.query<StatementRow>(
      `SELECT s.dbid || ':' || s.queryid || ':' || s.userid || ':' || s.toplevel AS key, s.calls::float8 AS calls, s.total_exec_time AS total_ms,
              coalesce(d.datname, '?') AS database, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_statements s LEFT JOIN pg_database d ON d.oid = s.dbid
        WHERE s.toplevel AND coalesce(d.datname, '') <> 'postgres'`,
    );
    return new Map(rows.map((r) => [r.key, r]));
  };
  const rolledBack = async () => Number((await admin.query<{ n: string }>(`SELECT coalesce(sum(xact_rollback), 0)::text AS n FROM pg_stat_database WHERE datname <> 'postgres'`)).rows[0]!.n);
  if (loaded) await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const rollbacksBefore = await rolledBack();
  const before = await snapshot();
  const cpuBefore = cpuMsOfProcessTree(postmasterPid);
  return async () => {
    const cpuMs = cpuMsOfProcessTree(postmasterPid) - cpuBefore;
    const after = await snapshot();
    // pg_stat_database is sampled per transaction by each backend and flushed within a second.
    await new Promise((r) => setTimeout(r, 1_100));
    const rollbacks = (await rolledBack()) - rollbacksBefore;
    await admin.end();
    if (!loaded) return { cpuMs, statements: null, byDatabase: {}, rollbacks, top: [] };
    const deltas = [...after.values()].map((row) => {
      const was = before.get(row.key);
      return { ...row, calls: row.calls - (was?.calls ?? 0), total_ms: row.total_ms - (was?.total_ms ?? 0) };
    }).filter((row) => row.calls > 0);
    const byDatabase: Record<string, number> = {};
    for (const row of deltas) byDatabase[row.database] = (byDatabase[row.database] ?? 0) + row.calls;
    return {
      cpuMs,
      statements: deltas.reduce((sum, row) => sum + row.calls, 0),
      byDatabase,
      rollbacks,
      top: deltas.sort((a, b) => b.calls - a.calls).slice(0, Number(process.env.FICUS_BENCH_PG_TOP ?? 25)).map((row) => ({ calls: row.calls, meanMs: Math.round((row.total_ms / row.calls) * 100) / 100, database: row.database, query: row.query })),
    };
  };
}

/** Settings for startBenchCluster: pg_stat_statements loaded when FICUS_BENCH_PG_STATEMENTS=1 (a little overhead per statement). */
export function statementSettings(): Record<string, string> {
  return process.env.FICUS_BENCH_PG_STATEMENTS === '1' ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': '10000', 'pg_stat_statements.track_utility': 'on' } : {};
}
