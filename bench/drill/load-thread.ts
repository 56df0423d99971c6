import { Worker } from 'node:worker_threads';
import type { LoadStarter, LoadWorkerData } from './load-protocol.ts';

export type { LoadStarter } from './load-protocol.ts';

/** A drill load running in a worker thread, so the clients' XML and JSON work stays off the gateway's event loop. */
export interface LoadThread<Report> {
  /** REST writes on or off (the service's writes wait for its cutover); a load without REST writes ignores it. */
  setRestWrites(on: boolean): Promise<void>;
  stop(): Promise<Report>;
}

type ReportOf<S extends LoadStarter> = Awaited<ReturnType<S>> extends { stop(): Promise<infer Report> } ? Report : never;

/**
 * Runs the load `start` of the module at `moduleUrl` (its options `options`) in a worker thread
 * of its own, once it says it started. Every drill's load goes through this one worker: the
 * module and the starter's name are typed against each other (`typeof import('./x-load.ts')`).
 */
export async function startLoadThread<Module extends Record<Name, LoadStarter>, Name extends string & keyof Module>(
  moduleUrl: URL, start: Name, options: Parameters<Module[Name]>[0],
): Promise<LoadThread<ReportOf<Module[Name]>>> {
  type Report = ReportOf<Module[Name]>;
  const workerData: LoadWorkerData = { module: moduleUrl.href, start, options };
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData });
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
      const report = await answer<Report>((m) => m.report as Report | undefined, { op: 'stop' });
      await worker.terminate();
      return report;
    },
  };
}
