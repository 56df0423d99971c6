import dynamic from '../../services/dynamic/index.ts';
import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../services/kit/auth/keys.ts';
import { issueToken } from '../../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../services/kit/runner/service-runtime.ts';
import { ensureDatabase } from '../../platform/ensure-database.ts';
import type { DrillMount, DrillMountParts } from './drill-stack.ts';

export interface FeedServiceMount extends DrillMount {
  runtime: ServiceRuntime<any>;
  /** Access tokens for `uids` (with `scopes`: a service's, e.g. ['service'] for POST /activities), signed by the key set the routes verify against. */
  tokensFor(uids: readonly number[], scopes?: string[]): Record<string, string>;
}

/**
 * The dynamic service mounted on a drill stack's gateway as `ficus start` runs it (service-mount.ts
 * does the same for any service), with tokens that may carry scopes: POST /activities takes only
 * service tokens (scope `service`), which another service holds in production.
 */
export function feedServiceMount(serviceUrl: string, adminUrl: string, onMounted?: (mount: FeedServiceMount) => void): (parts: DrillMountParts) => Promise<FeedServiceMount> {
  return async ({ legacyPool, logins, logger, metrics }) => {
    await ensureDatabase(adminUrl, new URL(serviceUrl).pathname.slice(1));
    const keys = newSigningKeySet();
    const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
    const runtime = await startServiceRuntime(dynamic, {
      databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:dynamic:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool, logins,
    });
    await runtime.startPublishing();
    await runtime.startConsuming();
    const mount: FeedServiceMount = {
      routers: [runtime.router],
      runtime,
      tokensFor: (uids, scopes = []) => Object.fromEntries(uids.map((uid) => [String(uid), issueToken(keys, { userId: uid, scopes }, 3600)])),
      async stop() {
        await runtime.stop();
        await transport.close();
      },
    };
    onMounted?.(mount);
    return mount;
  };
}
