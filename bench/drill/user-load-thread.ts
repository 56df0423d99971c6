import { startLoadThread, type LoadThread } from './load-thread.ts';
import type { UserLoadOptions, UserLoadReport } from './user-load.ts';

/** startUserLoad in a worker thread. */
export function startUserLoadThread(options: UserLoadOptions): Promise<LoadThread<UserLoadReport>> {
  return startLoadThread<UserLoadReport>(new URL('./user-load-worker.mjs', import.meta.url), options);
}
