import { parentPort, workerData } from 'node:worker_threads';
import { startFinanceLoad, type FinanceLoadOptions } from './finance-load.ts';

// As trade-load-worker.ts: the clients' XML and JSON work stays off the gateway's event loop.
const load = await startFinanceLoad(workerData as FinanceLoadOptions);
parentPort!.postMessage({ started: true });
parentPort!.on('message', async (message: { op: 'stop' } | { op: 'rest-writes'; on: boolean }) => {
  if (message.op === 'rest-writes') {
    await load.setRestWrites(message.on);
    parentPort!.postMessage({ restWrites: message.on });
  } else parentPort!.postMessage({ report: await load.stop() });
});
