import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { RestoreProgress } from '../runtime/sql-dump-restore.ts';

/** A progress bar on a terminal; a log line per 10% elsewhere (CI, files). */
export function restoreProgressReporter(logger: Logger): { onProgress: (p: RestoreProgress) => void; done: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'restoring legacy database |{bar}| {percentage}% {value}/{total} MB', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onProgress: ({ bytesDone, bytesTotal }) => {
        const mb = (n: number) => Math.round(n / 1e5) / 10;
        if (!started) {
          bar.start(mb(bytesTotal), 0);
          started = true;
        }
        bar.update(mb(Math.min(bytesDone, bytesTotal)));
      },
      done: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    onProgress: ({ bytesDone, bytesTotal }) => {
      const decile = Math.floor((10 * bytesDone) / Math.max(bytesTotal, 1));
      if (decile > lastDecile) {
        lastDecile = decile;
        logger.info({ percent: Math.min(decile * 10, 100) }, 'restoring legacy database');
      }
    },
    done: () => {},
  };
}
