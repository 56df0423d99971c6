import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import ai from '../../../services/ai/index.ts';
import type { AiDatabase } from '../../../services/ai/db/tables.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

export const AI_TABLES = ['ai_models', 'generation_tasks', 'insights'] as const;

/** Seed users (fixtures/hp_legacy.sql.gz): members, an operator who is not an admin, an admin. */
export const USERS = { ADMIN: 2, OPERATOR: 302, MEMBER: 6, OTHER_MEMBER: 7, COACH: 251 } as const;

/**
 * One side of M16's cut, reached by both kinds of client on the same rows: REST (ai's runtime, with
 * its task worker as background work, svc_ai's write-owner rows saying `owner`) and Odoo RPC
 * (`legacy`: the gateway's engine over the monolith's tables with ai's legacy behaviours,
 * embedded mode; `service`: ai's own engine over svc_ai, as the gateway answers M16 after cutover).
 */
export interface AiSide {
  owner: ModuleOwner;
  stack: ServiceRestStack<AiDatabase>;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startAiSide(owner: ModuleOwner): Promise<AiSide> {
  let legacyRpc: CallHandler | undefined;
  const stack = await startServiceRestStack<AiDatabase>({
    definition: ai, tables: AI_TABLES, owner,
    odoo: (call) => legacyRpc!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
  });
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { ai: stack.service.url } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  legacyRpc = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
  let handler: CallHandler = legacyRpc;
  if (owner === 'service') {
    const engine = createServiceEngine(ai as ServiceWithOdooFace, {
      name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger(),
      callModel: (ctx, model, method, args, kwargs = {}) => legacyRpc!({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } }),
    });
    handler = (call) => engine.call(call);
  }
  return {
    owner,
    stack,
    rpc: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    async stop() {
      await runtime.stop();
      await control.drop();
      await stack.stop();
    },
  };
}

/** An Odoo error as a client sees it: its class and message. */
export async function odooErrorOf(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const e = error as { exceptionName?: string; message: string };
    return { name: e.exceptionName ?? 'none', message: e.message };
  }
  throw new Error('expected an Odoo error');
}
