import type pg from 'pg';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import type { BizDatabase } from '../../../services/biz/db/tables.ts';
import biz from '../../../services/biz/index.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/** M08's tables. */
export const COMMUNITY_TABLES = ['community_groups', 'members'] as const;

/**
 * One side of M08's cut, reached by both kinds of client on the same rows: REST (the biz
 * service's runtime, svc_biz's write-owner row saying `owner`) and Odoo RPC (`legacy`: the
 * gateway's engine over the monolith's tables with biz's legacy behaviours, embedded mode, as
 * `ficus start` answers a module in phase legacy; `service`: biz's own engine over svc_biz, as
 * the gateway answers M08 after cutover). `rows` holds M08's rows on that side.
 */
export interface CommunitySide {
  owner: ModuleOwner;
  stack: ServiceRestStack<BizDatabase>;
  rows: pg.Pool;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  rest(method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>): ReturnType<ServiceRestStack<BizDatabase>['call']>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startCommunitySide(owner: ModuleOwner): Promise<CommunitySide> {
  const stack = await startServiceRestStack({ definition: biz, tables: COMMUNITY_TABLES, owner });
  let handler: CallHandler;
  let stopRpc = async () => undefined as void;
  if (owner === 'service') {
    const engine = createServiceEngine(biz as ServiceWithOdooFace, { name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger() });
    handler = (call) => engine.call(call);
  } else {
    const control = await emptyDatabase('control');
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { biz: 'postgres://unused.invalid/none' } });
    const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
    handler = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
    stopRpc = async () => {
      await runtime.stop();
      await control.drop();
    };
  }
  return {
    owner,
    stack,
    rows: stack.home(owner),
    rpc: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rest: (method, path, uid, body, headers = {}) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers),
    async stop() {
      await stopRpc();
      await stack.stop();
    },
  };
}

/** The Odoo error a call ends with, as class and message. */
export async function odooErrorOf(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
}

/** Seed facts of hp_legacy's group 1 (控糖互助小组) the tests lean on. */
export const GROUP_1: { id: number; owner: number; admins: [number, number]; active: [number, number, number, number, number, number, number, number]; banned: [number, number]; left: [number]; activeCount: number } = {
  id: 1,
  /** coach017: owner_id and the membership with role owner. */
  owner: 262,
  /** members with role admin, active. */
  admins: [147, 164],
  /** active plain members. */
  active: [7, 30, 79, 91, 99, 177, 184, 185],
  banned: [6, 26],
  left: [97],
  activeCount: 16,
};

export const ADMIN = 2;
/** operator002: operator, not admin. */
export const OPERATOR = 302;
/** coach001, owns group 14. */
export const COACH = 246;
/** merchant001, owns group 12. */
export const MERCHANT = 286;
