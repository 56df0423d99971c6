import type { Queryable } from '../modules/queryable.ts';
import type { ReconcileReport } from './report-model.ts';

/** Keys kept per table in the stored report; the full list belongs in the JSON report file. */
const STORED_KEYS_PER_TABLE = 1000;

/**
 * `ficus_control.reconcile_runs`: one row per run, so trends and the last verdict per module can
 * be read with SQL. Lives in the control database (the migration control plane's), created on
 * first use.
 */
export async function ensureReconcileRunsTable(db: Queryable): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ficus_control`);
  await db.query(`
    CREATE TABLE IF NOT EXISTS ficus_control.reconcile_runs (
      id             bigserial PRIMARY KEY,
      started_at     timestamptz NOT NULL,
      finished_at    timestamptz NOT NULL,
      status         text NOT NULL CHECK (status IN ('clean', 'differences', 'error')),
      source         text NOT NULL,
      targets        text[] NOT NULL DEFAULT '{}',
      modules        text[] NOT NULL DEFAULT '{}',
      tables         integer NOT NULL DEFAULT 0,
      differences    integer NOT NULL DEFAULT 0,
      rule_breaches  integer NOT NULL DEFAULT 0,
      report         jsonb,
      error          text
    )`);
  await db.query(`CREATE INDEX IF NOT EXISTS reconcile_runs_started_at ON ficus_control.reconcile_runs (started_at DESC)`);
}

export async function storeReconcileRun(db: Queryable, report: ReconcileReport): Promise<number> {
  const s = report.summary;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO ficus_control.reconcile_runs
       (started_at, finished_at, status, source, targets, modules, tables, differences, rule_breaches, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      report.startedAt, report.finishedAt, report.status, report.source, report.targets,
      report.modules.map((m) => m.code), s.tables, s.missingInTarget + s.missingInSource + s.different + s.schemaDifferences,
      s.ruleBreaches, JSON.stringify(compactReport(report)),
    ],
  );
  return Number(rows[0]!.id);
}

export async function storeFailedRun(db: Queryable, run: { startedAt: Date; source: string; modules: string[]; error: string }): Promise<void> {
  await db.query(
    `INSERT INTO ficus_control.reconcile_runs (started_at, finished_at, status, source, modules, error)
     VALUES ($1, now(), 'error', $2, $3, $4)`,
    [run.startedAt.toISOString(), run.source, run.modules, run.error],
  );
}

function compactReport(report: ReconcileReport): ReconcileReport {
  return {
    ...report,
    tables: report.tables.map((t) => ({
      ...t,
      differences: t.differences.slice(0, STORED_KEYS_PER_TABLE),
      ...(t.differences.length > STORED_KEYS_PER_TABLE ? { reason: `${t.differences.length} differences; first ${STORED_KEYS_PER_TABLE} stored` } : {}),
    })),
  };
}
