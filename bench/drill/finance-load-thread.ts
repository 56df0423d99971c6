import { Worker } from 'node:worker_threads';
import type { FinanceLoadOptions, FinanceLoadReport } from './finance-load.ts';

export interface FinanceLoadHandle {
  setRestWrites(on: boolean): Promise<void>;
  stop(): Promise<FinanceLoadReport>;
}

/** startFinanceLoad in a worker thread (as trade-load-thread.ts). */
export async function startFinanceLoadThread(options: FinanceLoadOptions): Promise<FinanceLoadHandle> {
  const worker = new Worker(new URL('./finance-load-worker.mjs', import.meta.url), { workerData: options });
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
      const report = await answer((m) => m.report as FinanceLoadReport | undefined, { op: 'stop' });
      await worker.terminate();
      return report;
    },
  };
}
