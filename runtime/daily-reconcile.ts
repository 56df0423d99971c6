import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PhaseBook } from '../migration/control/phase-book.ts';
import { ensureReconcileRunsTable, storeFailedRun, storeReconcileRun } from '../migration/reconcile/control-store.ts';
import { ReconcileMetrics } from '../migration/reconcile/metrics.ts';
import { standingFromControl } from '../migration/reconcile/module-standing.ts';
import { reconcileModules } from '../migration/reconcile/reconcile-modules.ts';
import { reasonOf, scheduleDailyReconcile, type DailyReconcile } from '../migration/reconcile/schedule.ts';
import { describeDatabaseUrl } from '../migration/reconcile/sql.ts';

export interface DailyReconcileOptions {
  at: string;
  legacyDatabaseUrl: string;
  controlPool: pg.Pool;
  /** The running Ficus's phases (the control database's, kept current). */
  phases: Pick<PhaseBook, 'get'>;
  logger: Logger;
  metrics: Registry;
}

/**
 * The platform design's daily reconciliation inside `ficus start`: every module that has a
 * service copy (whatever its phase; reconcile-modules.ts decides which do) against the legacy
 * tables, with the business rules. Each run is kept in `ficus_control.reconcile_runs` and
 * exposed as metrics; a run that fails is counted (`ficus_reconcile_runs_total{result="failed"}`),
 * stored with its reason, and logged with it.
 */
export async function startDailyReconcile(options: DailyReconcileOptions): Promise<DailyReconcile> {
  await ensureReconcileRunsTable(options.controlPool);
  const metrics = new ReconcileMetrics(options.metrics);
  let startedAt = new Date();
  return scheduleDailyReconcile({
    at: options.at,
    logger: options.logger,
    run: async () => {
      startedAt = new Date();
      return reconcileModules({
        sourceUrl: options.legacyDatabaseUrl,
        modules: 'all',
        standing: standingFromControl(options.controlPool, (code) => options.phases.get(code).phase),
        onProgress: (p) => metrics.progress(p),
      });
    },
    onReport: async (report) => {
      // Stored first: a run whose report cannot be kept counts as failed, not as clean and failed.
      await storeReconcileRun(options.controlPool, report);
      metrics.observe(report);
    },
    onError: async (error) => {
      metrics.failed();
      await storeFailedRun(options.controlPool, { startedAt, source: describeDatabaseUrl(options.legacyDatabaseUrl), modules: [], error: reasonOf(error) }).catch((stored) =>
        options.logger.warn({ reason: reasonOf(stored) }, 'could not store the failed reconciliation run'),
      );
    },
  });
}
