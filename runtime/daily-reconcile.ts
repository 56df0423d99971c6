import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PhaseBook } from '../migration/control/phase-book.ts';
import { ensureReconcileRunsTable, storeReconcileRun } from '../migration/reconcile/control-store.ts';
import { ReconcileMetrics } from '../migration/reconcile/metrics.ts';
import { reconcileModules } from '../migration/reconcile/reconcile-modules.ts';
import { scheduleDailyReconcile, type DailyReconcile } from '../migration/reconcile/schedule.ts';

export interface DailyReconcileOptions {
  at: string;
  legacyDatabaseUrl: string;
  controlPool: pg.Pool;
  phases: PhaseBook;
  logger: Logger;
  metrics: Registry;
}

/**
 * The platform design's daily reconciliation inside `ficus start`: every module that has a
 * service copy (any phase after legacy) against the legacy tables, with the business rules.
 * Each run is kept in `ficus_control.reconcile_runs` and exposed as metrics.
 */
export async function startDailyReconcile(options: DailyReconcileOptions): Promise<DailyReconcile> {
  await ensureReconcileRunsTable(options.controlPool);
  const metrics = new ReconcileMetrics(options.metrics);
  return scheduleDailyReconcile({
    at: options.at,
    logger: options.logger,
    run: async () => {
      const modules = options.phases.recorded().filter((p) => p.phase !== 'legacy').map((p) => p.module);
      if (!modules.length) throw new NothingToReconcile();
      return reconcileModules({ sourceUrl: options.legacyDatabaseUrl, modules, onProgress: (p) => metrics.progress(p) });
    },
    onReport: async (report) => {
      metrics.observe(report);
      await storeReconcileRun(options.controlPool, report);
    },
  });
}

class NothingToReconcile extends Error {
  constructor() {
    super('no module has a service copy yet: nothing to reconcile');
  }
}
