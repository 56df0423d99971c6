import type { Logger } from 'pino';
import type { ReconcileReport } from './report-model.ts';

export interface DailyReconcileOptions {
  /** Local time of day `HH:MM` (24 h) in `timeZone`. */
  at: string;
  /** `UTC` (default) or `local` (the process's time zone). */
  timeZone?: 'UTC' | 'local';
  /** One run; e.g. `() => reconcileModules({ …, modules: 'all' })`. */
  run: () => Promise<ReconcileReport>;
  /** Called with each finished report: store it, update metrics. */
  onReport?: (report: ReconcileReport) => Promise<void> | void;
  onError?: (error: unknown) => Promise<void> | void;
  logger?: Logger;
  now?: () => Date;
}

export interface DailyReconcile {
  nextRunAt(): Date;
  /** Runs now, outside the schedule (does not start a second run while one is in flight). */
  runNow(): Promise<ReconcileReport | undefined>;
  stop(): void;
}

/**
 * Runs a reconciliation every day at a fixed time. A run still going at the next slot is not
 * doubled; errors are reported and the schedule goes on. The timer does not keep the process
 * alive by itself (`ficus start` does).
 */
export function scheduleDailyReconcile(options: DailyReconcileOptions): DailyReconcile {
  const [hours, minutes] = parseTimeOfDay(options.at);
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let next = nextOccurrence(now(), hours, minutes, options.timeZone ?? 'UTC');
  let running: Promise<ReconcileReport | undefined> | undefined;
  let stopped = false;

  const runOnce = (): Promise<ReconcileReport | undefined> => {
    if (running) return running;
    running = (async () => {
      try {
        const report = await options.run();
        options.logger?.info({ status: report.status, summary: report.summary }, 'daily reconciliation finished');
        await options.onReport?.(report);
        return report;
      } catch (error) {
        // The reason in plain words as its own field: what an operator greps for and an alert quotes.
        options.logger?.error({ err: error, reason: reasonOf(error) }, 'daily reconciliation failed');
        await options.onError?.(error);
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(() => {
        next = nextOccurrence(new Date(Math.max(now().getTime(), next.getTime() + 1000)), hours, minutes, options.timeZone ?? 'UTC');
        arm();
      });
    }, Math.max(0, next.getTime() - now().getTime()));
    timer.unref();
  };
  arm();
  options.logger?.info({ nextRunAt: next.toISOString() }, 'daily reconciliation scheduled');

  return {
    nextRunAt: () => next,
    runNow: runOnce,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The error's own message (database errors name the database or relation, never a password). */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

export function parseTimeOfDay(text: string): [number, number] {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a time of day (HH:MM, 24-hour)`);
  return [Number(match[1]), Number(match[2])];
}

/** The first moment at `hours:minutes` strictly after `from`. */
export function nextOccurrence(from: Date, hours: number, minutes: number, timeZone: 'UTC' | 'local'): Date {
  const candidate =
    timeZone === 'UTC'
      ? new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), hours, minutes))
      : new Date(from.getFullYear(), from.getMonth(), from.getDate(), hours, minutes);
  if (candidate.getTime() <= from.getTime()) {
    if (timeZone === 'UTC') candidate.setUTCDate(candidate.getUTCDate() + 1);
    else candidate.setDate(candidate.getDate() + 1);
  }
  return candidate;
}
