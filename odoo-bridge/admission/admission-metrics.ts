import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const levelsByRegistry = new WeakMap<Registry, Map<string, { running: number; queued: number }>>();

/**
 * Prometheus view of the gateway's admission limit, per served database (a configured name, never
 * client input). The running and queued levels change twice per call; they are kept as plain
 * numbers and handed to the gauges when metrics are scraped, so a call pays no label lookups.
 */
export class AdmissionMetrics {
  readonly #levels: Map<string, { running: number; queued: number }>;
  readonly #running: Gauge<'database'>;
  readonly #queued: Gauge<'database'>;
  readonly #refused: Counter<'database'>;
  readonly #wait: Histogram<'database'>;

  constructor(registry: Registry) {
    const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
    const registers = [registry];
    // One map per registry: every AdmissionMetrics on it reports through the same two gauges.
    let levels = levelsByRegistry.get(registry);
    if (!levels) levelsByRegistry.set(registry, (levels = new Map()));
    this.#levels = levels;
    this.#running = existing<Gauge<'database'>>('ficus_gateway_calls_running') ??
      new Gauge({
        name: 'ficus_gateway_calls_running',
        help: 'Model calls holding an admission slot (writes held by a cutover freeze do not)',
        labelNames: ['database'],
        registers,
        collect() {
          for (const [database, level] of levels) this.set({ database }, level.running);
        },
      });
    this.#queued = existing<Gauge<'database'>>('ficus_gateway_calls_queued') ??
      new Gauge({
        name: 'ficus_gateway_calls_queued',
        help: 'Model calls waiting for an admission slot',
        labelNames: ['database'],
        registers,
        collect() {
          for (const [database, level] of levels) this.set({ database }, level.queued);
        },
      });
    this.#refused = existing<Counter<'database'>>('ficus_gateway_calls_refused_total') ??
      new Counter({ name: 'ficus_gateway_calls_refused_total', help: 'Model calls refused because the admission queue was full (503 / ServiceUnavailable)', labelNames: ['database'], registers });
    this.#wait = existing<Histogram<'database'>>('ficus_gateway_admission_wait_seconds') ??
      new Histogram({ name: 'ficus_gateway_admission_wait_seconds', help: 'How long queued model calls waited for an admission slot', labelNames: ['database'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers });
  }

  levels(database: string, running: number, queued: number): void {
    const level = this.#levels.get(database);
    if (level) {
      level.running = running;
      level.queued = queued;
    } else this.#levels.set(database, { running, queued });
  }

  refused(database: string): void {
    this.#refused.inc({ database });
  }

  waited(database: string, seconds: number): void {
    this.#wait.observe({ database }, seconds);
  }
}
