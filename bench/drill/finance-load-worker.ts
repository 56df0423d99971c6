import { workerData } from 'node:worker_threads';
import { startFinanceLoad, type FinanceLoadOptions } from './finance-load.ts';
import { serveLoad } from './load-worker.ts';

await serveLoad(() => startFinanceLoad(workerData as FinanceLoadOptions));
