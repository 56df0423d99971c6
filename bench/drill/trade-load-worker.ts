import { parentPort, workerData } from 'node:worker_threads';
import { startTradeLoad, type TradeLoadOptions } from './trade-load.ts';

// As feed-load-worker.ts: the clients' XML parsing stays off the gateway's event loop.
const load = await startTradeLoad(workerData as TradeLoadOptions);
parentPort!.postMessage({ started: true });
parentPort!.on('message', async (message: { op: 'stop' } | { op: 'rest-writes'; on: boolean }) => {
  if (message.op === 'rest-writes') {
    await load.setRestWrites(message.on);
    parentPort!.postMessage({ restWrites: message.on });
  } else parentPort!.postMessage({ report: await load.stop() });
});
