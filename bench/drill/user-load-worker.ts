import { workerData } from 'node:worker_threads';
import { serveLoad } from './load-worker.ts';
import { startUserLoad, type UserLoadOptions } from './user-load.ts';

await serveLoad(() => startUserLoad(workerData as UserLoadOptions));
