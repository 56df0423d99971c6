/**
 * A gateway for benchmarks, in its own process tree so that its CPU time can be read from /proc
 * apart from the client's: one process (gateway-bench-composition.ts), or `processes` of them
 * sharing the port the way `ficus start` runs FICUS_GATEWAY_PROCESSES (runtime/gateway-processes.ts).
 * Usage: node --import tsx gateway-bench-process.ts '<GatewayBenchOptions as JSON>' ; prints "ready" when listening.
 */
import path from 'node:path';
import { listen } from '../../platform/http-server.ts';
import { createLogger } from '../../platform/logger.ts';
import { LoginThrottle } from '../../odoo-bridge/auth/login-throttle.ts';
import { startGatewayProcesses, type GatewayProcesses } from '../../runtime/gateway-processes.ts';
import { shareLoginCooldownFromPrimary } from '../../runtime/shared-login-cooldown.ts';
import { startGatewayWorker, type GatewayBenchOptions } from './gateway-bench-composition.ts';

const options = JSON.parse(process.argv[2]!) as GatewayBenchOptions;
const processes = options.processes ?? 1;
if (processes > 1) {
  let fleet: GatewayProcesses | undefined;
  const onLogin = shareLoginCooldownFromPrimary(new LoginThrottle(), () => fleet);
  fleet = startGatewayProcesses({
    processes,
    port: options.port,
    host: '127.0.0.1',
    worker: { module: path.join(import.meta.dirname, 'gateway-bench-composition.ts'), settings: options },
    logger: createLogger({ level: 'warn', format: 'json' }),
    onMessage: onLogin,
  });
  await fleet.ready;
  const running = fleet;
  process.on('SIGTERM', () => void running.close(1000).then(() => process.exit(0)));
} else {
  const gateway = await startGatewayWorker(options);
  await listen(gateway.app as Parameters<typeof listen>[0], options.port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
console.log('ready');
