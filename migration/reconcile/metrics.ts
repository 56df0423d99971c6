import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReconcileReport } from './report-model.ts';
import type { ReconcileProgress } from './types.ts';

/**
 * Prometheus view of reconciliation: the last verdict, differences per table and kind, rule
 * breaches, and progress of a run in flight (long work reports progress as metrics).
 */
export class ReconcileMetrics {
  private readonly runs: Counter<'result'>;
  private readonly lastRun: Gauge;
  private readonly lastClean: Gauge;
  private readonly lastDuration: Gauge;
  private readonly differences: Gauge<'table' | 'kind'>;
  private readonly rows: Gauge<'table' | 'side'>;
  private readonly breaches: Gauge<'rule' | 'side'>;
  private readonly progressRatio: Gauge<'table'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.runs = new Counter({
      name: 'ficus_reconcile_runs_total',
      help: 'Reconciliation runs by result: clean, differences, nothing_to_compare (no module has a service copy), failed (the run could not finish; the reason is logged)',
      labelNames: ['result'],
      registers,
    });
    this.lastRun = new Gauge({ name: 'ficus_reconcile_last_run_timestamp_seconds', help: 'When the last reconciliation finished', registers });
    this.lastClean = new Gauge({ name: 'ficus_reconcile_last_run_clean', help: '1 when the last reconciliation found nothing', registers });
    this.lastDuration = new Gauge({ name: 'ficus_reconcile_last_run_duration_seconds', help: 'Duration of the last reconciliation', registers });
    this.differences = new Gauge({ name: 'ficus_reconcile_differences', help: 'Differing rows found by the last run', labelNames: ['table', 'kind'], registers });
    this.rows = new Gauge({ name: 'ficus_reconcile_rows', help: 'Rows compared by the last run', labelNames: ['table', 'side'], registers });
    this.breaches = new Gauge({ name: 'ficus_reconcile_rule_breaches', help: 'Business-rule breaches found by the last run', labelNames: ['rule', 'side'], registers });
    this.progressRatio = new Gauge({ name: 'ficus_reconcile_progress_ratio', help: 'Progress of the table being reconciled (0..1)', labelNames: ['table'], registers });
  }

  progress(p: ReconcileProgress): void {
    this.progressRatio.set({ table: p.table }, p.phase === 'done' ? 1 : p.total > 0 ? Math.min(1, p.done / p.total) : 0);
  }

  observe(report: ReconcileReport): void {
    const nothingCompared = report.status === 'clean' && !report.tables.length && report.scope !== undefined;
    this.runs.inc({ result: nothingCompared ? 'nothing_to_compare' : report.status });
    this.lastRun.set(Date.parse(report.finishedAt) / 1000);
    this.lastClean.set(report.status === 'clean' ? 1 : 0);
    this.lastDuration.set(report.durationMs / 1000);
    this.differences.reset();
    this.rows.reset();
    this.breaches.reset();
    this.progressRatio.reset();
    for (const t of report.tables) {
      for (const kind of ['missing-in-target', 'missing-in-source', 'different'] as const) {
        this.differences.set({ table: t.table, kind }, t.differences.filter((d) => d.kind === kind).length);
      }
      this.rows.set({ table: t.table, side: 'source' }, t.rowsSource);
      this.rows.set({ table: t.table, side: 'target' }, t.rowsTarget);
    }
    for (const r of report.rules) this.breaches.set({ rule: r.id, side: r.side }, r.breaches.length);
  }

  /** A run that could not finish (a database unreachable, a query refused): counted, never silent. */
  failed(): void {
    this.runs.inc({ result: 'failed' });
  }
}
