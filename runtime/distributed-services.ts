import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CallHandler } from '../odoo-bridge/call.ts';
import type { ServiceDefinition } from '../services/kit/index.ts';
import { ConfigError } from './config.ts';
import { ServiceInstances } from './remote-instances.ts';
import { remoteOdooCalls } from './remote-odoo-calls.ts';
import { remoteRestProxy } from './remote-rest-proxy.ts';
import type { RemoteServicesConfig } from './remote-services-config.ts';

const JWKS_PATH = '/.well-known/jwks.json';

/** The services of FICUS_SERVICE_URLS, as the gateway reaches them. */
export interface RemoteServices {
  /** Names of the services that run apart: the gateway neither starts nor migrates them itself. */
  readonly names: ReadonlySet<string>;
  /** Their REST routes, forwarded; mount beside the Odoo routes. */
  readonly routers: Router[];
  /** The Odoo call handler of a remote service (for phase routing), undefined for one that runs in this process. */
  odooCallsOf(service: string): CallHandler | undefined;
  /** Instances in rotation per service (readiness: at least one each). */
  healthyCounts(): Record<string, number>;
  stop(): void;
}

export interface RemoteServicesOptions {
  config: RemoteServicesConfig;
  /** The built services (services/catalog.ts): a name in FICUS_SERVICE_URLS must be one. */
  services: readonly ServiceDefinition<any>[];
  isReadMethod(method: string): boolean;
  logger: Logger;
  metrics: Registry;
}

/**
 * Distributed mode on the gateway's side (DESIGN §4): for each service listed in FICUS_SERVICE_URLS,
 * its instances (round robin over the healthy ones), its REST routes forwarded to them, and its
 * Odoo face reached over HTTP by the phase routing instead of an engine in this process. Services
 * not listed run in the gateway's process as in embedded mode.
 */
export function startRemoteServices(options: RemoteServicesOptions): RemoteServices {
  const { config, logger, metrics } = options;
  const byName = new Map<string, ServiceDefinition<any>>(options.services.map((s) => [s.name, s]));
  const pools = new Map<string, ServiceInstances>();
  const calls = new Map<string, CallHandler>();
  const routers: Router[] = [];
  for (const [name, urls] of config.instances) {
    const definition = byName.get(name);
    if (!definition) throw new ConfigError('FICUS_SERVICE_URLS', `${name} is not a built service (built: ${[...byName.keys()].join(', ')})`);
    const instances = new ServiceInstances({ service: name, urls, timeoutMs: config.timeoutMs, healthIntervalMs: config.healthIntervalMs, logger, metrics });
    pools.set(name, instances);
    calls.set(name, remoteOdooCalls({ instances, secret: config.secret, isReadMethod: options.isReadMethod }));
    // The token authority running apart publishes its public keys itself (ficus serve auth): the gateway's JWKS path is its.
    const sharedPaths = [...(definition.sharedPaths ?? []), ...(definition.sessionAuthority ? [JWKS_PATH] : [])];
    routers.push(remoteRestProxy({ instances, prefixes: new Set([name]), sharedPaths, logger }));
  }
  for (const instances of pools.values()) instances.start();
  logger.info({ services: Object.fromEntries(config.instances) }, 'services running apart: routing to their instances');
  return {
    names: new Set(pools.keys()),
    routers,
    odooCallsOf: (service) => calls.get(service),
    healthyCounts: () => Object.fromEntries([...pools].map(([name, p]) => [name, p.healthyCount()])),
    stop() {
      for (const instances of pools.values()) instances.stop();
    },
  };
}
