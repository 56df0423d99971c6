/**
 * A gateway in its own process, for benchmarks that load it over HTTP from another process
 * (client and server then use separate cores, as in production).
 * Usage: node --import tsx gateway-process.ts PG_URL PORT ; prints "ready" when listening.
 */
import pg from 'pg';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import { listen } from '../../platform/http-server.ts';
import { createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';

const [legacyUrl, port] = process.argv.slice(2);
const logger = createLogger({ level: 'warn', format: 'json' });
const metrics = createMetricsRegistry();
const pool = new pg.Pool({ connectionString: legacyUrl, max: 16 });
const sessions = await createPostgresSessionStore(pool);
const routers = await createOdooGateway({
  databases: [{ name: 'hp_legacy', pool }],
  handlerFor: (database) => createFullOrmEngine({ database }).call,
  sessions,
  maxInactivitySeconds: 3600,
  logger,
  metrics,
});
await listen(createGatewayApp({ logger, metrics, readiness: [], routers }), Number(port), '127.0.0.1');
console.log('ready');
process.on('SIGTERM', () => process.exit(0));
