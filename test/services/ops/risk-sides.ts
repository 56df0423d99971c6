import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import ops from '../../../services/ops/index.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

export const OPS_TABLES = ['ratings', 'certifications', 'operations', 'notifications', 'risk_rules', 'risk_alerts', 'audit_logs'] as const;

/**
 * One side of M18's cut, reached by both kinds of client on the same rows: REST (ops's runtime,
 * svc_ops's write-owner rows saying `owner`, the gateway's dispatch as its Odoo calls) and Odoo
 * RPC (`legacy`: the gateway's engine over the monolith's tables with ops's legacy behaviours,
 * embedded mode; `service`: ops's own engine over svc_ops, as the gateway answers M18 after
 * cutover). Other models (hp.payment, hp.rating…) are answered by the legacy side's dispatch
 * either way, as while their modules are in phase legacy.
 */
export interface RiskSide {
  owner: ModuleOwner;
  stack: ServiceRestStack<OpsDatabase>;
  /** The legacy side's dispatch (the migration runtime's handler over the monolith). */
  legacyRpc: CallHandler;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startRiskSide(owner: ModuleOwner): Promise<RiskSide> {
  let legacyRpc: CallHandler | undefined;
  const stack = await startServiceRestStack<OpsDatabase>({
    definition: ops, tables: OPS_TABLES, owner,
    odoo: (call) => legacyRpc!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
  });
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { ops: stack.service.url } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  legacyRpc = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
  let handler: CallHandler = legacyRpc;
  if (owner === 'service') {
    const engine = createServiceEngine(ops as ServiceWithOdooFace, {
      name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger(),
      callModel: (ctx, model, method, args, kwargs = {}) => legacyRpc!({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } }),
    });
    handler = (call) => engine.call(call);
  }
  return {
    owner,
    stack,
    legacyRpc,
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
