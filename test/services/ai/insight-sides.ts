import type pg from 'pg';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import ai from '../../../services/ai/index.ts';
import type { AiDatabase } from '../../../services/ai/db/tables.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

export const AI_TABLES = ['ai_models', 'generation_tasks', 'insights'] as const;

/**
 * The ai service's REST API with the gateway's dispatch beside it (PlatformPorts.odoo: the
 * migration runtime over the monolith, every other module in phase legacy), as `ficus start`
 * runs it: what the analysis reads of members, coaches, orders and campaigns it reads through
 * that dispatch as the caller. `legacy` is the monolith's pool (the test plants rows there).
 */
export interface AiAnalysisSide {
  stack: ServiceRestStack<AiDatabase>;
  legacy: pg.Pool;
  rest(method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>): ReturnType<ServiceRestStack<AiDatabase>['call']>;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  /** Every model call the ai service made through the gateway, with the uid it made it as. */
  calls: Array<{ uid: number; model: string; method: string; args: unknown[] }>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startAiAnalysisSide(owner: ModuleOwner = 'legacy'): Promise<AiAnalysisSide> {
  let dispatch: CallHandler | undefined;
  const calls: AiAnalysisSide['calls'] = [];
  const stack = await startServiceRestStack<AiDatabase>({
    definition: ai, tables: AI_TABLES, owner,
    odoo: (call) => {
      calls.push({ uid: call.uid, model: call.model, method: call.method, args: call.args });
      return dispatch!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} });
    },
  });
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { ai: stack.service.url } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  dispatch = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
  return {
    stack,
    legacy: stack.legacy.pool,
    calls,
    rest: (method, path, uid, body, headers = {}) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers),
    rpc: (uid, model, method, args, kwargs = {}) => dispatch!({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    async stop() {
      await runtime.stop();
      await control.drop();
      await stack.stop();
    },
  };
}
