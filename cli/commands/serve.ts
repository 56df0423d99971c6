import type { Command } from 'commander';
import { SERVICE_CATALOG } from '../../runtime/service-catalog.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createMetricsRegistry } from '../../runtime/metrics.ts';
import { loadKitConfig } from '../../services/kit/config.ts';
import { serveService } from '../../services/kit/runner/serve.ts';

export function registerServe(program: Command): void {
  program
    .command('serve <service>')
    .description('run one service alone (distributed mode): its own database, HTTP port, bus (FICUS_BUS) and cache (REDIS_URL)')
    .action(async (name: string) => {
      const load = SERVICE_CATALOG[name];
      if (!load) throw new Error(`unknown service ${name} (available: ${Object.keys(SERVICE_CATALOG).join(', ')})`);
      // Only the logging settings of `ficus start` apply here (no legacy dump, no embedded cluster).
      const format = process.env.LOG_FORMAT === 'json' || process.env.LOG_FORMAT === 'pretty' ? process.env.LOG_FORMAT : 'auto';
      const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format });
      const served = await serveService(await load(), loadKitConfig(), logger, createMetricsRegistry());
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await served.stop();
        logger.flush?.();
        process.exit(0);
      };
      // `on`, not `once`: tsx's signal relay exits at once when no listener is left.
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
