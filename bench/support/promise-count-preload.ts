/**
 * Preloaded (`node --import`) into a server process that is only counted, never timed: counts
 * the promises the process creates (an async_hooks init hook, which itself slows every promise,
 * so timed processes never load this). On SIGUSR2 it prints `promises <n>` (the count since the
 * last signal) on stdout and starts again from zero. Promises per call do not move with the
 * machine's load as CPU time does, and each costs allocation, a microtask and, while any
 * AsyncLocalStorage is enabled, its hooks: a steady measure of the work around a call.
 */
import { createHook } from 'node:async_hooks';

let promises = 0;
createHook({
  init(_id, type) {
    if (type === 'PROMISE') promises++;
  },
}).enable();
process.on('SIGUSR2', () => {
  process.stdout.write(`promises ${promises}\n`);
  promises = 0;
});
