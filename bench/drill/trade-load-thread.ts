import { startLoadThread, type LoadThread } from './load-thread.ts';
import type { TradeLoadOptions, TradeLoadReport } from './trade-load.ts';

/** startTradeLoad in a worker thread. */
export function startTradeLoadThread(options: TradeLoadOptions): Promise<LoadThread<TradeLoadReport>> {
  return startLoadThread<TradeLoadReport>(new URL('./trade-load-worker.mjs', import.meta.url), options);
}
