import { Worker } from 'node:worker_threads';
import type { NewestFirstLoadOptions, NewestFirstLoadReport } from './newest-first-load.ts';

/** startNewestFirstLoad in a worker thread; `stop` returns its report. */
export async function startNewestFirstLoadThread(options: NewestFirstLoadOptions): Promise<{ stop(): Promise<NewestFirstLoadReport> }> {
  const worker = new Worker(new URL('./newest-first-load-worker.mjs', import.meta.url), { workerData: options });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  return {
    stop: () =>
      new Promise<NewestFirstLoadReport>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { report?: NewestFirstLoadReport }) => {
          if (m.report) {
            resolve(m.report);
            void worker.terminate();
          }
        });
        worker.postMessage('stop');
      }),
  };
}
