import { parentPort, workerData } from 'node:worker_threads';
import { startNewestFirstLoad, type NewestFirstLoadOptions } from './newest-first-load.ts';

// As feed-load-worker.ts: the clients' parsing stays off the gateway's event loop.
const load = await startNewestFirstLoad(workerData as NewestFirstLoadOptions);
parentPort!.postMessage({ started: true });
parentPort!.on('message', async (message: string) => {
  if (message !== 'stop') return;
  parentPort!.postMessage({ report: await load.stop() });
});
