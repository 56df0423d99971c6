import { AggregatorRegistry, type Registry } from 'prom-client';
import type { GatewayMessage, WorkerLink } from './gateway-worker-protocol.ts';
import type { GatewayProcesses } from './gateway-processes.ts';

const ASK_TIMEOUT_MS = 2000;

/**
 * `/metrics` of several gateway processes: whichever process a scrape reaches answers for all of
 * them. A worker asks the primary; the primary asks every worker for its registry's JSON, adds
 * its own and merges them (prom-client's cluster aggregation: counters and histograms summed,
 * process gauges per their aggregator). A worker that does not answer in time is left out of
 * that scrape rather than holding it.
 */
export function clusterMetricsOfPrimary(own: Registry, processes: () => GatewayProcesses | undefined) {
  let nextId = 0;
  const waiting = new Map<number, (metrics: unknown[]) => void>();

  async function collect(): Promise<string> {
    const workers = processes()?.workers() ?? [];
    const answers = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<unknown[] | undefined>((resolve) => {
            const id = ++nextId;
            const timer = setTimeout(() => {
              waiting.delete(id);
              resolve(undefined);
            }, ASK_TIMEOUT_MS);
            waiting.set(id, (metrics) => {
              clearTimeout(timer);
              waiting.delete(id);
              resolve(metrics);
            });
            worker.send({ ficus: 'own-metrics?', id } satisfies GatewayMessage);
          }),
      ),
    );
    const all = [await own.getMetricsAsJSON(), ...answers.filter((answer): answer is unknown[] => answer !== undefined)];
    return AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
  }

  return {
    collect,
    /** Handles the metrics messages of workers; other messages are not its business. */
    onMessage(message: GatewayMessage, from: { send(message: GatewayMessage): unknown }): void {
      if (message.ficus === 'own-metrics') waiting.get(message.id)?.(message.metrics);
      else if (message.ficus === 'metrics?') {
        void collect().then(
          (text) => from.send({ ficus: 'metrics', id: message.id, text, contentType: own.contentType }),
          () => from.send({ ficus: 'metrics', id: message.id, text: '', contentType: own.contentType }),
        );
      }
    },
  };
}

/**
 * A worker's view for `/metrics`: the registry its parts count in, whose `metrics()` answers for
 * every process (asking the primary), and which hands its own JSON to the primary when asked.
 */
export function clusterMetricsOfWorker(own: Registry, link: WorkerLink): Registry {
  let nextId = 0;
  const waiting = new Map<number, (text: string) => void>();
  link.onMessage((message) => {
    if (message.ficus === 'own-metrics?') void own.getMetricsAsJSON().then((metrics) => link.send({ ficus: 'own-metrics', id: message.id, metrics }));
    else if (message.ficus === 'metrics') waiting.get(message.id)?.(message.text);
  });
  const view = Object.create(own) as Registry;
  view.metrics = () =>
    new Promise<string>((resolve) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        waiting.delete(id);
        void own.metrics().then(resolve); // the primary is busy: this process's own, rather than nothing
      }, ASK_TIMEOUT_MS);
      waiting.set(id, (text) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(text);
      });
      link.send({ ficus: 'metrics?', id });
    });
  return view;
}
