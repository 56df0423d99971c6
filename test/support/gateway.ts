import type pg from 'pg';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import { listen } from '../../platform/http-server.ts';
import type { CallHandler, ServedDatabase } from '../../odoo-bridge/call.ts';
import { createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { createRedisSessionStore } from '../../odoo-bridge/sessions/redis-session-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { emptyDatabase, type TestDatabase } from './databases.ts';

export interface TestGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Databases to serve, by the name clients use. */
  serve: { name: string; database: TestDatabase }[];
  handlerFor: (database: ServedDatabase) => CallHandler;
  redisUrl?: string;
  upstream?: { url: string; timeoutMs: number };
  maxInactivitySeconds?: number;
  /** Where the gateway's log lines go (silent by default). */
  logDestination?: NodeJS.WritableStream;
  /** Odoo's login cooldown; `{ failuresBeforeCooldown: 0 }` turns throttling off. */
  loginCooldown?: { failuresBeforeCooldown: number; cooldownMs: number };
  /** Replaces the static router (the migration control plane's phase-aware one). */
  router?: import('../../odoo-bridge/routing/call-router.ts').CallRouter;
  /** The gateway's admission limit per database (its default otherwise). */
  admission?: Partial<import('../../odoo-bridge/admission/call-admission.ts').AdmissionLimits>;
}

/** A real gateway on a free port (HTTP, protocols, sessions), serving test database copies. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const logger = options.logDestination
    ? createLogger({ level: 'info', format: 'json', destination: options.logDestination })
    : createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const metrics = createMetricsRegistry();
  const control: TestDatabase | undefined = options.redisUrl ? undefined : await emptyDatabase('control');
  const maxInactivitySeconds = options.maxInactivitySeconds ?? 3600;
  const sessions = options.redisUrl
    ? createRedisSessionStore(options.redisUrl, maxInactivitySeconds)
    : await createPostgresSessionStore(control!.pool as pg.Pool, maxInactivitySeconds);
  const routers = await createOdooGateway({
    databases: options.serve.map(({ name, database }) => ({ name, pool: database.pool })),
    handlerFor: options.handlerFor,
    sessions,
    maxInactivitySeconds,
    logger,
    metrics,
    ...(options.upstream ? { upstream: options.upstream } : {}),
    ...(options.loginCooldown ? { loginCooldown: options.loginCooldown } : {}),
    ...(options.router ? { router: options.router } : {}),
    ...(options.admission ? { admission: options.admission } : {}),
  });
  const app = createGatewayApp({ logger, metrics, readiness: [], routers });
  const server = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    async stop() {
      await server.close(1000);
      await sessions.close();
      await control?.drop();
    },
  };
}
