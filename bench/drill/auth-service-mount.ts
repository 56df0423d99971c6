import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../services/kit/auth/keys.ts';
import { cachedSessionCheck, type SessionCheck } from '../../services/kit/auth/session-check.ts';
import { keySetSigner } from '../../services/kit/auth/token-signer.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../services/kit/runner/service-runtime.ts';
import { ensureDatabase } from '../../platform/ensure-database.ts';
import auth from '../../services/auth/index.ts';
import type { DrillMount, DrillMountParts } from './drill-stack.ts';

export interface AuthMount extends DrillMount {
  runtime: ServiceRuntime<any>;
}

/**
 * The auth service as `ficus start` runs it (services/kit/runner/embedded.ts), for a drill
 * stack: started before any backfill, over its own database (migrated at start), with the
 * gateway's legacy pool and login cooldown, signing the access tokens and answering every
 * bearer route's session check. Its router is mounted on the gateway, so X-Forwarded-For from
 * loopback is trusted as in production.
 */
export function authServiceMount(serviceUrl: string, adminUrl: string): (parts: DrillMountParts) => Promise<AuthMount> {
  return async ({ legacyPool, logins, logger, metrics }) => {
    await ensureDatabase(adminUrl, new URL(serviceUrl).pathname.slice(1));
    const keys = newSigningKeySet();
    const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
    let sessionCheck: SessionCheck | undefined;
    const runtime = await startServiceRuntime(auth, {
      databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:auth:'), keys: localKeyLookup(() => keys), signer: keySetSigner(() => keys),
      logger, metrics, legacyPool, logins, sessions: () => sessionCheck,
    });
    const authority = runtime.sessionAuthority!;
    sessionCheck = cachedSessionCheck((principal) => authority(principal));
    await runtime.startPublishing();
    await runtime.startConsuming();
    return {
      routers: [runtime.router],
      runtime,
      async stop() {
        await runtime.stop();
        await transport.close();
      },
    };
  };
}
