import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric the kit records, registered once per registry (all services of a process share one). */
export interface KitMetrics {
  httpRequests: Counter<'service' | 'method' | 'route' | 'status'>;
  httpDuration: Histogram<'service' | 'method' | 'route'>;
  eventsPublished: Counter<'service' | 'type'>;
  eventsHandled: Counter<'service' | 'group' | 'type' | 'outcome'>;
  /** From the event's `time` (set in the publishing transaction) to the end of its handling. */
  eventLatency: Histogram<'service' | 'group' | 'type'>;
  consumerLag: Gauge<'service' | 'group' | 'source'>;
  deadLetters: Counter<'service' | 'group' | 'type'>;
  sagas: Counter<'service' | 'saga' | 'outcome'>;
}

const byRegistry = new WeakMap<Registry, KitMetrics>();

export function kitMetrics(registry: Registry): KitMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;
  const registers = [registry];
  metrics = {
    httpRequests: new Counter({ name: 'ficus_http_requests_total', help: 'REST requests by route and status', labelNames: ['service', 'method', 'route', 'status'], registers }),
    httpDuration: new Histogram({
      name: 'ficus_http_request_duration_seconds', help: 'REST request duration by route', labelNames: ['service', 'method', 'route'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    eventsPublished: new Counter({ name: 'ficus_events_published_total', help: 'Domain events written to the outbox, by type', labelNames: ['service', 'type'], registers }),
    eventsHandled: new Counter({
      name: 'ficus_events_handled_total', help: 'Domain events consumed: handled, duplicate (inbox hit), retried or dead_lettered',
      labelNames: ['service', 'group', 'type', 'outcome'], registers,
    }),
    eventLatency: new Histogram({
      name: 'ficus_event_publish_to_handle_seconds', help: 'Time from publish to handled, by consumer group and type', labelNames: ['service', 'group', 'type'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    consumerLag: new Gauge({ name: 'ficus_consumer_lag_events', help: 'Events published and not yet handled, per consumer group and source', labelNames: ['service', 'group', 'source'], registers }),
    deadLetters: new Counter({ name: 'ficus_dead_letters_total', help: 'Events given up on after retries or because they are invalid', labelNames: ['service', 'group', 'type'], registers }),
    sagas: new Counter({ name: 'ficus_sagas_total', help: 'Sagas that ended, by outcome', labelNames: ['service', 'saga', 'outcome'], registers }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
