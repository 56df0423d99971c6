import { workerData } from 'node:worker_threads';
import { serveLoad } from './load-worker.ts';
import { startTradeLoad, type TradeLoadOptions } from './trade-load.ts';

await serveLoad(() => startTradeLoad(workerData as TradeLoadOptions));
