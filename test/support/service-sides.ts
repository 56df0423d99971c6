import type pg from 'pg';
import type { CallHandler } from '../../odoo-bridge/call.ts';
import { OdooError } from '../../odoo-bridge/errors.ts';
import { embeddedEndpoints } from '../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../migration/control/migration-runtime.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { createServiceEngine, type ServiceDefinition, type ServiceWithOdooFace } from '../../services/kit/index.ts';
import { emptyDatabase } from './databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from './service-rest-stack.ts';

type Rpc = (uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) => Promise<unknown>;

/**
 * Both sides of a service's cut on one pair of databases, reached by both kinds of client on the
 * same rows: the service's REST runtime (its database after a backfill; the write-owner rows say
 * where the modules' rows live, `setOwner`), with the gateway's dispatch over the monolith as its
 * PlatformPorts.odoo, and Odoo RPC on each side: `legacyRpc` (the migration runtime's dispatch:
 * the gateway's engine over the monolith's tables with the services' legacy behaviours, embedded
 * mode) and `serviceRpc` (the service's own engine over its database, as the gateway answers its
 * modules after cutover, reaching other models through the same dispatch).
 */
export interface ServiceSides<DB> {
  stack: ServiceRestStack<DB>;
  legacy: pg.Pool;
  service: pg.Pool;
  /** The legacy side's dispatch itself. */
  dispatch: CallHandler;
  legacyRpc: Rpc;
  serviceRpc: Rpc;
  rest(method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>): ReturnType<ServiceRestStack<DB>['call']>;
  setOwner(owner: ModuleOwner): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceSidesOptions<DB> {
  definition: ServiceDefinition<DB>;
  /** The modules' own tables, copied from a fresh monolith as a backfill would. */
  tables: readonly string[];
  owner?: ModuleOwner;
  /** The service engine's side effects across the cut reach the monolith's pool directly (ec's stock). */
  engineLegacyPool?: boolean;
  /** The service engine's calls of other models carry the caller's context (as the gateway's do). */
  forwardContext?: boolean;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startServiceSides<DB>(options: ServiceSidesOptions<DB>): Promise<ServiceSides<DB>> {
  const { definition, tables, owner = 'legacy' } = options;
  let dispatch: CallHandler | undefined;
  const stack = await startServiceRestStack<DB>({
    definition, tables, owner,
    odoo: (call) => dispatch!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
  });
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { [definition.name]: stack.service.url } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  dispatch = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
  const engine = createServiceEngine(definition as ServiceWithOdooFace, {
    name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger(),
    ...(options.engineLegacyPool ? { legacyPool: stack.legacy.pool } : {}),
    callModel: (ctx, model, method, args, kwargs = {}) =>
      dispatch!({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: options.forwardContext ? { ...kwargs, context: ctx.context } : { ...kwargs } }),
  });
  return {
    stack,
    legacy: stack.legacy.pool,
    service: stack.service.pool,
    dispatch,
    legacyRpc: (uid, model, method, args, kwargs = {}) => dispatch!({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    serviceRpc: (uid, model, method, args, kwargs = {}) => engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rest: (method, path, uid, body, headers = {}) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers),
    setOwner: (o) => stack.setOwner(o),
    async stop() {
      await runtime.stop();
      await control.drop();
      await stack.stop();
    },
  };
}

/** What a client of an Odoo call receives when it fails: the exception's class and text. */
export async function odooErrorOf(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
}
