import type { BizLoadOptions, BizLoadReport } from './biz-load.ts';
import { startLoadThread, type LoadThread } from './load-thread.ts';

/** startBizLoad in a worker thread. */
export function startBizLoadThread(options: BizLoadOptions): Promise<LoadThread<BizLoadReport>> {
  return startLoadThread<BizLoadReport>(new URL('./biz-load-worker.mjs', import.meta.url), options);
}
