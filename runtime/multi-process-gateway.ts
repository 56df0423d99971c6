import path from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LoginThrottle } from '../odoo-bridge/auth/login-throttle.ts';
import { listen, type RunningHttpServer } from '../platform/http-server.ts';
import { clusterMetricsOfPrimary } from './cluster-metrics.ts';
import { startGatewayProcesses, type GatewayProcesses } from './gateway-processes.ts';
import type { FicusGatewayWorkerSettings } from './gateway-worker.ts';
import { shareLoginCooldownFromPrimary } from './shared-login-cooldown.ts';
import type { FicusConfig } from './settings.ts';

export interface MultiProcessGatewayOptions {
  /** The main process's full gateway (Odoo protocols, services' REST, JWKS). */
  app: Express;
  config: FicusConfig;
  /** The main process's login cooldown, which the gateway processes share. */
  logins: LoginThrottle;
  metrics: Registry;
  logger: Logger;
  legacyDatabaseUrl: string;
  controlDatabaseUrl: string;
  filestore: string | null;
}

/**
 * `ficus start` with FICUS_GATEWAY_PROCESSES > 1: that many gateway processes share FICUS_PORT
 * (gateway-processes.ts, gateway-worker.ts), and the main process's own gateway listens on a
 * loopback port for the requests they pass on (service REST, JWKS). The login cooldown and
 * `/metrics` span all processes. Stopping stops the gateway processes first (their requests in
 * flight finish), then the main process's listener.
 */
export async function listenOnGatewayProcesses(options: MultiProcessGatewayOptions): Promise<RunningHttpServer> {
  const { config, logger } = options;
  const main = await listen(options.app, 0, '127.0.0.1', 'the main process loopback port');
  let processes: GatewayProcesses | undefined;
  try {
    const onLogin = shareLoginCooldownFromPrimary(options.logins, () => processes);
    const metrics = clusterMetricsOfPrimary(options.metrics, () => processes);
    const settings: FicusGatewayWorkerSettings = {
      config,
      legacyDatabaseUrl: options.legacyDatabaseUrl,
      controlDatabaseUrl: options.controlDatabaseUrl,
      filestore: options.filestore,
      mainUrl: `http://127.0.0.1:${main.port}`,
    };
    processes = startGatewayProcesses({
      processes: config.gatewayProcesses,
      port: config.gatewayPort,
      host: config.gatewayHost,
      portSetting: 'FICUS_PORT',
      worker: { module: path.join(import.meta.dirname, 'gateway-worker.ts'), settings },
      logger,
      onMessage: (message, from) => {
        onLogin(message, from);
        metrics.onMessage(message, from);
      },
    });
    await processes.ready;
  } catch (error) {
    await main.close(0);
    throw error;
  }
  const running = processes;
  logger.info({ processes: config.gatewayProcesses, pids: running.pids() }, 'gateway processes share the port');
  return {
    port: running.port,
    async close(graceMs) {
      await running.close(graceMs);
      await main.close(graceMs);
    },
  };
}
