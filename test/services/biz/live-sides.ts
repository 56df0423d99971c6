import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import biz from '../../../services/biz/index.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import type { ModuleOwner } from '../../support/service-rest-stack.ts';
import { startLiveRestStack, type LiveRestStack } from './live-rest-stack.ts';

/**
 * One side of M07's cut, reached by both kinds of client on the same rows: REST (the biz
 * service's runtime, svc_biz's write-owner row saying `owner`) and Odoo RPC (`legacy`: the
 * gateway's engine over the monolith's tables with biz's legacy behaviours, embedded mode, as
 * `ficus start` answers a module in phase legacy; `service`: biz's own engine over svc_biz, as
 * the gateway answers M07 after cutover).
 */
export interface LiveSide {
  owner: ModuleOwner;
  stack: LiveRestStack;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startLiveSide(owner: ModuleOwner): Promise<LiveSide> {
  const stack = await startLiveRestStack({ owner });
  let handler: CallHandler;
  let stopRpc = async (): Promise<void> => undefined;
  if (owner === 'service') {
    const engine = createServiceEngine(biz as ServiceWithOdooFace, { name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger() });
    handler = (call) => engine.call(call);
  } else {
    const control = await emptyDatabase('control');
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { biz: 'postgres://unused.invalid/none' } });
    const runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
    handler = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
    stopRpc = async () => {
      await runtime.stop();
      await control.drop();
    };
  }
  return {
    owner,
    stack,
    rpc: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    async stop() {
      await stopRpc();
      await stack.stop();
    },
  };
}
