import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config.ts';
import { startEmbeddedFicus } from '../../runtime/embedded-runner.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { restoreProgressReporter } from '../restore-progress.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: embedded PostgreSQL with the legacy database, and the gateway on 8069')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel, format: config.logFormat as 'auto' | 'json' | 'pretty' });
      const progress = restoreProgressReporter(logger);
      const ficus = await startEmbeddedFicus({
        config,
        logger,
        metrics: createMetricsRegistry(),
        onRestoreProgress: progress.onProgress,
      });
      progress.done();
      logger.info(`Ficus is ready: http://${config.gatewayHost}:${ficus.gatewayPort} (Odoo RPC, /readyz, /metrics)`);

      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await ficus.stop();
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
