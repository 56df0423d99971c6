/**
 * The Ficus side of scripts/differential-odoo.py: one gateway serving `odoo_ref` and `hp_legacy`
 * from two databases of a PostgreSQL the developer runs (the same one the oracle Odoo uses), answered
 * by the full ORM engine exactly as the tests wire it (test/support/gateway.ts). Development only.
 *
 * Usage: node --import tsx bench/differential/ficus-server.ts PORT POSTGRES_URL_PREFIX
 *          odoo_ref=DATABASE[:FILESTORE] hp_legacy=DATABASE[:FILESTORE] ...
 *   POSTGRES_URL_PREFIX ends where the database name goes, e.g. postgres://odoo:odoo@127.0.0.1:55497/
 *   A database `<first>_control` holds the web sessions (created if missing).
 *   FICUS_LEGACY_ADDONS=1: `hp_legacy` is answered with the legacy addons' Python and every built
 *   service's legacy behaviours (hp business methods, append-only ledger...), as the migration
 *   runtime's legacy engine in phase `legacy` (migration/control/migration-runtime.ts); without it,
 *   the bare engine refuses what lives in the addons' Python ("Ficus cannot run ...").
 */
import pg from 'pg';
import { usePostgresSessionDefaults } from '../../platform/postgres-session-defaults.ts';
import { createGatewayApp } from '../../odoo-bridge/gateway.ts';
import { createOdooGateway } from '../../odoo-bridge/odoo-gateway.ts';
import type { CallHandler } from '../../odoo-bridge/call.ts';
import type { ModelCaller } from '../../odoo-bridge/orm/index.ts';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';
import { builtServices, legacyPhaseBehaviours } from '../../migration/legacy-addons/legacy-phase-behaviours.ts';
import { createPostgresSessionStore } from '../../odoo-bridge/sessions/postgres-session-store.ts';
import { listen } from '../../platform/http-server.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';

usePostgresSessionDefaults();

const [portText, urlPrefix, ...served] = process.argv.slice(2);
if (!portText || !urlPrefix || served.length === 0) {
  console.error('usage: differential-ficus-server.ts PORT POSTGRES_URL_PREFIX NAME=DATABASE[:FILESTORE] ...');
  process.exit(2);
}

const specs = served.map((spec) => {
  const [name, rest] = spec.split('=') as [string, string];
  const [database, filestore] = rest.split(':') as [string, string | undefined];
  return { name, database, filestore: filestore ?? null };
});

const controlName = `${specs[0]!.database}_control`;
const admin = new pg.Client({ connectionString: `${urlPrefix}postgres` });
await admin.connect();
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [controlName]);
if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdent(controlName)}`);
await admin.end();

const pools = specs.map((spec) => {
  const pool = new pg.Pool({ connectionString: `${urlPrefix}${spec.database}`, max: 10 });
  // The differential script drops and copies the databases under the pool between sequences.
  pool.on('error', () => {});
  return pool;
});
const controlPool = new pg.Pool({ connectionString: `${urlPrefix}${controlName}`, max: 4 });
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'json' });
const metrics = createMetricsRegistry();
const sessions = await createPostgresSessionStore(controlPool, 3600);
const filestores = new Map(specs.map((spec) => [spec.name, spec.filestore]));
const legacyAddons = process.env.FICUS_LEGACY_ADDONS === '1';
const services = legacyAddons ? await builtServices() : [];
const routers = await createOdooGateway({
  databases: specs.map((spec, i) => ({ name: spec.name, pool: pools[i]! })),
  handlerFor: (database) => {
    const filestore = filestores.get(database.name) ?? null;
    if (!legacyAddons || database.name !== 'hp_legacy') return createFullOrmEngine({ database, filestore }).call;
    let handler: CallHandler | undefined;
    const callModel: ModelCaller = (ctx, model, method, args, kwargs = {}) =>
      handler!({ database: database.name, uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } });
    handler = createFullOrmEngine({ database, behaviours: legacyPhaseBehaviours(services, callModel), filestore }).call;
    return handler;
  },
  sessions,
  maxInactivitySeconds: 3600,
  logger,
  metrics,
  loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
});
const app = createGatewayApp({ logger, metrics, readiness: [], routers });
const server = await listen(app, Number(portText), '127.0.0.1');
console.log(`differential Ficus on http://127.0.0.1:${server.port} serving ${specs.map((s) => s.name).join(', ')}`);

const stop = async () => {
  await server.close(1000);
  await sessions.close();
  await Promise.all([...pools, controlPool].map((pool) => pool.end()));
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
