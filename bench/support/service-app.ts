import express from 'express';
import { Registry } from 'prom-client';
import { listen, type RunningHttpServer } from '../../platform/http-server.ts';
import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet, type SigningKeySet } from '../../services/kit/auth/keys.ts';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import type { ServiceDefinition } from '../../services/kit/define-service.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../services/kit/runner/service-runtime.ts';
import { createLogger } from '../../platform/logger.ts';

export interface ServiceUnderTest {
  baseUrl: string;
  runtime: ServiceRuntime<any>;
  keys: { current: SigningKeySet };
  metrics: Registry;
  stop(): Promise<void>;
}

/** One service on a real HTTP port over a real database, with an in-process key set standing in for the auth service. */
export async function serveForTest(service: ServiceDefinition<any>, databaseUrl: string): Promise<ServiceUnderTest> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const metrics = new Registry();
  const keys = { current: newSigningKeySet() };
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime(service, {
    databaseUrl,
    transport,
    cache: new MemoryCache(`ficus:${service.name}:`),
    keys: localKeyLookup(() => keys.current),
    logger,
    metrics,
  });
  const app = express();
  app.use(runtime.router);
  const server: RunningHttpServer = await listen(app, 0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    runtime,
    keys,
    metrics,
    async stop() {
      await server.close(1000);
      await runtime.stop();
      await transport.close();
    },
  };
}
