import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config.ts';
import { startEmbeddedFicus, type EmbeddedFicus } from '../../runtime/embedded-runner.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { assertPortFree } from '../../platform/http-server.ts';
import { restoreProgressReporter } from '../restore-progress.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: embedded PostgreSQL with the legacy database, and the gateway on 8069')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel, format: config.logFormat as 'auto' | 'json' | 'pretty' });

      // Signals are ours from the first moment: one arriving while Ficus starts (a restore can take
      // a while) stops it as soon as the parts started so far can be stopped in order.
      let ficus: EmbeddedFicus | undefined;
      let stopRequested: NodeJS.Signals | undefined;
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        stopRequested ??= signal;
        if (!ficus || stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        let code = 0;
        try {
          await ficus.stop();
          logger.info('stopped');
        } catch (error) {
          logger.error({ err: error }, 'shutdown failed');
          code = 1;
        }
        logger.flush?.();
        process.exit(code);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);

      // A taken gateway port fails now, in a line naming the setting, not after the restore.
      await assertPortFree(config.gatewayPort, config.gatewayHost, 'FICUS_PORT');
      const progress = restoreProgressReporter(logger);
      ficus = await startEmbeddedFicus({
        config,
        logger,
        metrics: createMetricsRegistry(),
        onRestoreProgress: progress.onProgress,
      });
      progress.done();
      logger.info(
        { legacyDatabase: redactedUrl(ficus.legacyDatabaseUrl), controlDatabase: redactedUrl(ficus.controlDatabaseUrl) },
        `Ficus is ready: http://${config.gatewayHost}:${ficus.gatewayPort} (Odoo RPC, /readyz, /metrics)`,
      );
      if (stopRequested) await stop(stopRequested);
    });
}

/** A database URL without its password, for log lines. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
