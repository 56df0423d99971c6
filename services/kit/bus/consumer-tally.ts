import type { KitMetrics } from '../observability/kit-metrics.ts';

/**
 * What one delivery attempt did, counted in memory and recorded in the metrics only after its
 * transaction committed: a batch that rolls back (and is replayed) must not count as handled, and
 * one counter update per type per batch is cheaper than one per event.
 */
export class DeliveryTally {
  private readonly counts = new Map<string, number>();
  private readonly latencies: { type: string; seconds: number }[] = [];
  private readonly deadLettered: string[] = [];

  count(type: string, outcome: 'handled' | 'duplicate'): void {
    const key = `${outcome}\u0000${type}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** From the event's `time` (set in the publishing transaction) to now. */
  latency(type: string, publishedAt: string): void {
    this.latencies.push({ type, seconds: Math.max(0, Date.now() - Date.parse(publishedAt)) / 1000 });
  }

  deadLetter(type: string): void {
    this.deadLettered.push(type);
  }

  record(metrics: KitMetrics, service: string, group: string): void {
    for (const [key, n] of this.counts) {
      const [outcome, type] = key.split('\u0000') as [string, string];
      metrics.eventsHandled.inc({ service, group, type, outcome }, n);
    }
    for (const { type, seconds } of this.latencies) metrics.eventLatency.observe({ service, group, type }, seconds);
    for (const type of this.deadLettered) {
      metrics.deadLetters.inc({ service, group, type });
      metrics.eventsHandled.inc({ service, group, type, outcome: 'dead_lettered' });
    }
  }
}
