import type { FinanceLoadOptions, FinanceLoadReport } from './finance-load.ts';
import { startLoadThread, type LoadThread } from './load-thread.ts';

export type FinanceLoadHandle = LoadThread<FinanceLoadReport>;

/** startFinanceLoad in a worker thread. */
export function startFinanceLoadThread(options: FinanceLoadOptions): Promise<FinanceLoadHandle> {
  return startLoadThread<FinanceLoadReport>(new URL('./finance-load-worker.mjs', import.meta.url), options);
}
