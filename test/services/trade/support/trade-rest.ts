import express from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { listen } from '../../../../platform/http-server.ts';
import { localKeyLookup } from '../../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../../services/kit/auth/keys.ts';
import { EmbeddedTransport } from '../../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../../../../services/kit/runner/service-runtime.ts';
import trade from '../../../../services/trade/index.ts';
import { createLogger } from '../../../../platform/logger.ts';

/** Trade's REST API over svc_trade as `ficus start` runs it: with the monolith's database for its legacy adapters (points). */
export async function serveTradeRest(serviceUrl: string, legacyPool: pg.Pool) {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime(trade, {
    databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:trade:'), keys: localKeyLookup(() => keys), logger, metrics, legacyPool,
  });
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    keys,
    async stop() {
      await server.close(1000);
      await runtime.stop();
      await transport.close();
    },
  };
}
