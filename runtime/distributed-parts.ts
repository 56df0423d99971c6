import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isReadMethod } from '../migration/control/call-kinds.ts';
import type { CallHandler } from '../odoo-bridge/call.ts';
import type { ReadinessCheck } from '../platform/ops-routes.ts';
import { signedOdooCallRouter } from '../services/kit/runner/internal-odoo-endpoint.ts';
import { loadBuiltServices } from '../services/catalog.ts';
import type { BusTransport } from '../services/kit/bus/types.ts';
import { loadKitConfig } from '../services/kit/config.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { createTransport } from '../services/kit/runner/create-transport.ts';
import { startRemoteServices, type RemoteServices } from './distributed-services.ts';
import { loadRemoteServicesConfig } from './remote-services-config.ts';

export interface DistributedParts {
  remote: RemoteServices;
  /** FICUS_BUS=kafka: the bus of the services still in the gateway's process, so their events meet the remote ones'. */
  transport?: BusTransport;
  /** Ready while every remote service has an instance in rotation. */
  readiness: ReadinessCheck;
  /** The gateway's internal endpoint: a remote service's behaviour reaching another module's model (FICUS_GATEWAY_URL), signed. */
  behaviourCalls(call: CallHandler, odooDatabaseName: string): Router;
  stop(): void;
}

/**
 * What `ficus start` adds in distributed mode, from the environment: the remote services and, when
 * FICUS_BUS=kafka, the Kafka transport for the services that stay in the gateway's process (with
 * the in-process bus their events would never reach a service running apart). Undefined when
 * FICUS_SERVICE_URLS is unset: embedded mode, unchanged.
 */
export async function startDistributedParts({ logger, metrics, env = process.env, bus = true }: { logger: Logger; metrics: Registry; env?: NodeJS.ProcessEnv; /** false in gateway worker processes: they run no services. */ bus?: boolean }): Promise<DistributedParts | undefined> {
  const config = loadRemoteServicesConfig(env);
  if (!config) return undefined;
  const kit = loadKitConfig(env);
  const remote = startRemoteServices({ config, services: await loadBuiltServices(), isReadMethod, logger, metrics });
  const transport = bus && kit.bus === 'kafka' ? createTransport(kit, logger, kitMetrics(metrics)) : undefined;
  const readiness: ReadinessCheck = {
    name: 'remote services',
    check: async () => {
      const down = Object.entries(remote.healthyCounts()).filter(([, n]) => n === 0).map(([name]) => name);
      if (down.length) throw new Error(`no instance of ${down.join(', ')} is ready`);
    },
  };
  return {
    remote, readiness, ...(transport ? { transport } : {}),
    behaviourCalls: (call, odooDatabaseName) => signedOdooCallRouter({ secret: config.secret, odooDatabaseName, call, logger }),
    stop: () => remote.stop(),
  };
}
