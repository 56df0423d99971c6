import type { Logger } from 'pino';
import type { BackgroundWork } from '../define-service.ts';

export interface PeriodicWorkOptions {
  /** Time between the end of one pass and the start of the next. */
  everyMs: number;
  /** Delay before the first pass (default: `everyMs`, at most 5 s, so a fresh start does its work soon). */
  firstAfterMs?: number;
  logger: Pick<Logger, 'warn'>;
  /** What a pass does, for the log line of a failed one ("orphan purchase sweep"). */
  what: string;
  /** One pass; `stopped()` turns true when the service stops, for a pass of many batches to end early. */
  pass(stopped: () => boolean): Promise<void>;
}

/**
 * A service's background work run again and again: one pass at a time (never overlapping), a
 * failed pass logged and tried again at the next interval, and `stop` waiting for the pass in
 * progress to end.
 */
export function periodicWork(options: PeriodicWorkOptions): BackgroundWork {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const isStopped = () => stopped;
  const tick = () => {
    if (stopped) return;
    running = options.pass(isStopped)
      .catch((error: unknown) => options.logger.warn({ err: error }, `${options.what} failed; it runs again at the next interval`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.everyMs);
      });
  };
  timer = setTimeout(tick, options.firstAfterMs ?? Math.min(options.everyMs, 5_000));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
