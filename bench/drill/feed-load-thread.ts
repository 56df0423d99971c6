import { Worker } from 'node:worker_threads';
import type { FeedLoadOptions, LoadReport } from './feed-load.ts';

/** startFeedLoad in a worker thread; `stop` returns its report. */
export async function startFeedLoadThread(options: FeedLoadOptions): Promise<{ stop(): Promise<LoadReport> }> {
  const worker = new Worker(new URL('./feed-load-worker.mjs', import.meta.url), { workerData: options });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  return {
    stop: () =>
      new Promise<LoadReport>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { report?: LoadReport }) => {
          if (m.report) {
            resolve(m.report);
            void worker.terminate();
          }
        });
        worker.postMessage('stop');
      }),
  };
}
