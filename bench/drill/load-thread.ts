import { Worker } from 'node:worker_threads';

/** A drill load running in a worker thread, so the clients' XML and JSON work stays off the gateway's event loop. */
export interface LoadThread<Report> {
  /** REST writes on or off (the service's writes wait for its cutover). */
  setRestWrites(on: boolean): Promise<void>;
  stop(): Promise<Report>;
}

/** Starts the load `workerUrl` runs (a load-worker.ts `serveLoad`) with `options`, once it says it started. */
export async function startLoadThread<Report>(workerUrl: URL, options: unknown): Promise<LoadThread<Report>> {
  const worker = new Worker(workerUrl, { workerData: options });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  const answer = <T>(pick: (m: Record<string, unknown>) => T | undefined, message: unknown) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        const value = pick(m);
        if (value === undefined) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(value);
      };
      worker.once('error', reject);
      worker.on('message', onMessage);
      worker.postMessage(message);
    });
  return {
    setRestWrites: async (on) => {
      await answer((m) => (m.restWrites === on ? true : undefined), { op: 'rest-writes', on });
    },
    stop: async () => {
      const report = await answer((m) => m.report as Report | undefined, { op: 'stop' });
      await worker.terminate();
      return report;
    },
  };
}
