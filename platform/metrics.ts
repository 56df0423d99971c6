import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process, with Node's process metrics; every part registers its own metrics on it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'ficus' });
  collectDefaultMetrics({ register: registry });
  return registry;
}
