import { parentPort, workerData } from 'node:worker_threads';
import { startAuthLoad, type AuthLoadOptions } from './auth-load.ts';

// As feed-load-worker.ts: the load runs beside the gateway, not on its event loop.
const load = await startAuthLoad(workerData as AuthLoadOptions);
parentPort!.postMessage({ started: true });
parentPort!.once('message', async () => {
  parentPort!.postMessage({ report: await load.stop() });
});
