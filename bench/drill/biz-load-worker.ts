import { workerData } from 'node:worker_threads';
import { startBizLoad, type BizLoadOptions } from './biz-load.ts';
import { serveLoad } from './load-worker.ts';

await serveLoad(() => startBizLoad(workerData as BizLoadOptions));
