import { parentPort, workerData } from 'node:worker_threads';
import { startFeedLoad, type FeedLoadOptions } from './feed-load.ts';

// The drill's clients run in their own thread, so that their XML parsing does not compete
// with the gateway's event loop (in production they are other machines).
const load = await startFeedLoad(workerData as FeedLoadOptions);
parentPort!.postMessage({ started: true });
parentPort!.on('message', async (message: string) => {
  if (message !== 'stop') return;
  parentPort!.postMessage({ report: await load.stop() });
});
