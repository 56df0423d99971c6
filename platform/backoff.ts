export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/**
 * Exponential backoff with equal jitter: retry `attempt` (0 for the first) waits between half
 * and all of min(max, base·2^attempt). The random half keeps retries of many consumers or
 * readers from lining up; the fixed half keeps a failing dependency from being hammered.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
