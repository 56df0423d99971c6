/** What a drill load module exports by name: starts the load in the calling thread (the worker's). */
export type LoadStarter = (options: any) => Promise<{ setRestWrites?(on: boolean): Promise<void>; stop(): Promise<unknown> }>;

/** What the one worker (load-worker.ts) is given: the load's module, the name of its starter, and the starter's options. */
export interface LoadWorkerData {
  module: string;
  start: string;
  options: unknown;
}
