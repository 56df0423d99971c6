import { Worker } from 'node:worker_threads';
import type { AuthLoadOptions, AuthLoadReport } from './auth-load.ts';

/** startAuthLoad in a worker thread (the clients' XML and JSON work stays off the gateway's event loop); `stop` returns its report. */
export async function startAuthLoadThread(options: AuthLoadOptions): Promise<{ stop(): Promise<AuthLoadReport> }> {
  const worker = new Worker(new URL('./auth-load-worker.mjs', import.meta.url), { workerData: options });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  return {
    stop: () =>
      new Promise<AuthLoadReport>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { report?: AuthLoadReport }) => {
          if (!m.report) return;
          resolve(m.report);
          void worker.terminate();
        });
        worker.postMessage('stop');
      }),
  };
}
