import { parentPort } from 'node:worker_threads';

/** The worker side of load-thread.ts: starts the load, then answers its thread's messages. */
export async function serveLoad(start: () => Promise<{ setRestWrites(on: boolean): Promise<void>; stop(): Promise<unknown> }>): Promise<void> {
  const load = await start();
  parentPort!.postMessage({ started: true });
  parentPort!.on('message', async (message: { op: 'stop' } | { op: 'rest-writes'; on: boolean }) => {
    if (message.op === 'rest-writes') {
      await load.setRestWrites(message.on);
      parentPort!.postMessage({ restWrites: message.on });
    } else parentPort!.postMessage({ report: await load.stop() });
  });
}
