import { Registry } from 'prom-client';
import { createGatewayApp } from '../../../../odoo-bridge/gateway.ts';
import { createLoginThrottle, createOdooGateway } from '../../../../odoo-bridge/odoo-gateway.ts';
import { coreBehaviours } from '../../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { createPostgresSessionStore } from '../../../../odoo-bridge/sessions/postgres-session-store.ts';
import { listen } from '../../../../platform/http-server.ts';
import { createLogger } from '../../../../platform/logger.ts';
import auth from '../../../../services/auth/index.ts';
import { registerAccountBehaviours } from '../../../../services/auth/odoo/behaviours.ts';
import { localKeyLookup } from '../../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../../services/kit/auth/keys.ts';
import { cachedSessionCheck, type SessionCheck } from '../../../../services/kit/auth/session-check.ts';
import { keySetSigner } from '../../../../services/kit/auth/token-signer.ts';
import { EmbeddedTransport } from '../../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime, type ServiceRuntime } from '../../../../services/kit/runner/service-runtime.ts';
import trade from '../../../../services/trade/index.ts';
import { emptyDatabase, type TestDatabase } from '../../../support/databases.ts';
import { tradeServiceCopy, type TradeServiceCopy } from '../../trade/support/trade-service-copy.ts';

export const LEGACY_DB = 'hp_legacy';

export interface AuthPlatform {
  /** Gateway and services on one port, as `ficus start` mounts them. */
  url: string;
  legacy: TestDatabase;
  authDb: TestDatabase;
  authRuntime: ServiceRuntime<any>;
  stop(): Promise<void>;
}

/**
 * What `ficus start` composes, on test database copies: the Odoo gateway (M01 in phase legacy,
 * answered by the engine over the monolith's copy, with hp_account's behaviour) and the auth and
 * trade services, sharing one signing key set, one login cooldown and auth's session answers.
 */
export async function startAuthPlatform(): Promise<AuthPlatform> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const metrics = new Registry();
  const copy: TradeServiceCopy = await tradeServiceCopy();
  const authDb = await emptyDatabase('svc_auth');
  const control = await emptyDatabase('control');
  const keys = newSigningKeySet();
  const logins = await createLoginThrottle(copy.legacy.pool, { logger });
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  let sessionCheck: SessionCheck | undefined;
  const common = { transport, keys: localKeyLookup(() => keys), logger, metrics, legacyPool: copy.legacy.pool, logins, sessions: () => sessionCheck };
  const authRuntime = await startServiceRuntime(auth, { ...common, databaseUrl: authDb.url, cache: new MemoryCache('ficus:auth:'), signer: keySetSigner(() => keys) });
  const authority = authRuntime.sessionAuthority!;
  sessionCheck = cachedSessionCheck((principal) => authority(principal));
  const tradeRuntime = await startServiceRuntime(trade, { ...common, databaseUrl: copy.service.url, cache: new MemoryCache('ficus:trade:') });
  for (const runtime of [authRuntime, tradeRuntime]) await runtime.startPublishing();
  const sessions = await createPostgresSessionStore(control.pool, 3600);
  const odooRouters = await createOdooGateway({
    databases: [{ name: LEGACY_DB, pool: copy.legacy.pool }],
    handlerFor: (database) => createFullOrmEngine({ database, behaviours: registerAccountBehaviours(coreBehaviours()) }).call,
    sessions,
    maxInactivitySeconds: 3600,
    throttle: logins,
    logger,
    metrics,
  });
  const app = createGatewayApp({ logger, metrics, readiness: [], routers: [...odooRouters, authRuntime.router, tradeRuntime.router] });
  const server = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${server.port}`,
    legacy: copy.legacy,
    authDb,
    authRuntime,
    async stop() {
      await server.close(1000);
      await tradeRuntime.stop();
      await authRuntime.stop();
      await transport.close();
      await sessions.close();
      await control.drop();
      await authDb.drop();
      await copy.stop();
    },
  };
}
