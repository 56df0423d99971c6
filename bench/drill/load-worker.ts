import { parentPort, workerData } from 'node:worker_threads';
import type { LoadStarter, LoadWorkerData } from './load-protocol.ts';

/** The worker side of load-thread.ts: starts the load it was given, then answers its thread's messages. */
const given = workerData as LoadWorkerData;
const start = ((await import(given.module)) as Record<string, LoadStarter>)[given.start];
if (typeof start !== 'function') throw new Error(`${given.module} exports no load starter ${given.start}`);
const load = await start(given.options);
parentPort!.postMessage({ started: true });
parentPort!.on('message', async (message: { op: 'stop' } | { op: 'rest-writes'; on: boolean }) => {
  if (message.op === 'rest-writes') {
    await load.setRestWrites?.(message.on);
    parentPort!.postMessage({ restWrites: message.on });
  } else parentPort!.postMessage({ report: await load.stop() });
});
