import cliProgress from 'cli-progress';
import type { ReconcileProgress } from './types.ts';

export interface ProgressReporter {
  onProgress(p: ReconcileProgress): void;
  stop(): void;
}

/**
 * A bar per table in flight on a terminal (stderr, so stdout stays clean for JSON); elsewhere
 * one line per finished table.
 */
export function reconcileProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) {
    return {
      onProgress: (p) => {
        if (p.phase === 'done' && p.table !== '(business rules)') stream.write(`reconciled ${p.table}\n`);
      },
      stop: () => {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { format: '{table} |{bar}| {percentage}% {phase}', stream, hideCursor: true, clearOnComplete: true, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: (p) => {
      let bar = bars.get(p.table);
      if (!bar) {
        bar = multi.create(Math.max(1, p.total), 0, { table: p.table.padEnd(28).slice(0, 28), phase: p.phase });
        bars.set(p.table, bar);
      }
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.phase === 'done' ? Math.max(1, p.total) : p.done, { phase: p.phase });
      if (p.phase === 'done') {
        multi.remove(bar);
        bars.delete(p.table);
      }
    },
    stop: () => multi.stop(),
  };
}
