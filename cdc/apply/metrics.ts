import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** CDC metrics, registered once per registry (one per process in production, one per test). */
export interface CdcMetrics {
  /** rate() of this is events/s applied. */
  eventsApplied: Counter<'table' | 'op'>;
  /** Changes not applied: stale (older than the row), own_origin (written by a Ficus applier). */
  eventsSkipped: Counter<'reason'>;
  /** Commit in the source → commit in the target. */
  lagMs: Histogram<'source'>;
  /** pg_current_wal_insert_lsn() on the source minus the last LSN applied, set by the source. */
  lagWalBytes: Gauge<'source'>;
  errors: Counter<'stage'>;
  batchSize: Histogram;
  /** Changes the target refused and that were parked (parked-changes.ts) instead of stopping the sync. */
  changesParked: Counter<'source' | 'table'>;
  /** Parked changes not yet applied or superseded, per applier source. */
  parkedOpen: Gauge<'source'>;
}

const cache = new WeakMap<Registry, CdcMetrics>();

export function cdcMetrics(registry: Registry): CdcMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const metrics: CdcMetrics = {
    eventsApplied: new Counter({ name: 'ficus_cdc_events_applied_total', help: 'Change events applied to target tables', labelNames: ['table', 'op'], registers: [registry] }),
    eventsSkipped: new Counter({ name: 'ficus_cdc_events_skipped_total', help: 'Change events not applied (stale or own origin)', labelNames: ['reason'], registers: [registry] }),
    lagMs: new Histogram({
      name: 'ficus_cdc_lag_ms',
      help: 'Source commit to target commit, milliseconds',
      labelNames: ['source'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000],
      registers: [registry],
    }),
    lagWalBytes: new Gauge({ name: 'ficus_cdc_lag_wal_bytes', help: 'Source WAL written but not yet applied, bytes', labelNames: ['source'], registers: [registry] }),
    errors: new Counter({ name: 'ficus_cdc_errors_total', help: 'CDC errors by stage', labelNames: ['stage'], registers: [registry] }),
    batchSize: new Histogram({ name: 'ficus_cdc_batch_size', help: 'Events per applied batch', buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000], registers: [registry] }),
    changesParked: new Counter({ name: 'ficus_cdc_changes_parked_total', help: 'Changes the target refused, parked in ficus_cdc.parked_change', labelNames: ['source', 'table'], registers: [registry] }),
    parkedOpen: new Gauge({ name: 'ficus_cdc_parked_changes', help: 'Parked changes not yet applied or superseded', labelNames: ['source'], registers: [registry] }),
  };
  cache.set(registry, metrics);
  return metrics;
}
