import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet, type SigningKeySet } from '../../services/kit/auth/keys.ts';
import { issueToken } from '../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import type { ServiceDefinition } from '../../services/kit/index.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../services/kit/runner/service-runtime.ts';
import { ensureDatabase } from '../../platform/ensure-database.ts';
import type { DrillMount, DrillMountParts } from './drill-stack.ts';

export interface ServiceMount extends DrillMount {
  runtime: ServiceRuntime<any>;
  /** Access tokens for `uids`, signed by the key set the service's routes verify against (the auth service's part in `ficus start`). */
  tokensFor(uids: readonly number[]): Record<string, string>;
}

/**
 * A service whose REST routes take the auth service's bearer tokens, as `ficus start` runs it
 * (services/kit/runner/embedded.ts), for a drill stack: started before any backfill, over its own
 * database (migrated at start; the backfill's provisioning finds it done), with the gateway's
 * legacy pool and login cooldown for its side effects across the cut, publishing and consuming
 * its events, its router mounted on the gateway beside the Odoo routes. An in-process key set
 * stands in for the auth service's.
 */
export function serviceMount(definition: ServiceDefinition<any>, serviceUrl: string, adminUrl: string, onMounted?: (mount: ServiceMount) => void): (parts: DrillMountParts) => Promise<ServiceMount> {
  return async ({ legacyPool, logins, logger, metrics, odoo }) => {
    await ensureDatabase(adminUrl, new URL(serviceUrl).pathname.slice(1));
    const keys: SigningKeySet = newSigningKeySet();
    const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
    const runtime = await startServiceRuntime(definition, {
      databaseUrl: serviceUrl, transport, cache: new MemoryCache(`ficus:${definition.name}:`), keys: localKeyLookup(() => keys), logger, metrics, legacyPool, logins, odoo,
    });
    await runtime.startPublishing();
    await runtime.startConsuming();
    const mount: ServiceMount = {
      routers: [runtime.router],
      runtime,
      tokensFor: (uids) => Object.fromEntries(uids.map((uid) => [String(uid), issueToken(keys, { userId: uid }, 3600)])),
      async stop() {
        await runtime.stop();
        await transport.close();
      },
    };
    onMounted?.(mount);
    return mount;
  };
}
