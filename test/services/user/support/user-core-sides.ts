import type pg from 'pg';
import type { CallHandler } from '../../../../odoo-bridge/call.ts';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { embeddedEndpoints } from '../../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../../platform/metrics.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../../support/databases.ts';
import { startServiceCutoverStack, type ServiceStack } from '../../../support/service-cutover-stack.ts';

/**
 * One side of the user service's cut, as Odoo clients reach it: `legacy` (every module in phase
 * legacy, the gateway's engine answering M02 over the monolith's tables with the user service's
 * legacy behaviours, embedded mode) or `user` (M02 cut over to svc_user by the control plane, the
 * way the migration team does it). `rows` is the database holding M02's rows on that side.
 */
export interface UserSide {
  name: 'legacy' | 'user';
  call(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  rows: pg.Pool;
  legacy: pg.Pool;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

/** The monolith before any cutover: the migration runtime as `ficus start` builds it (no syncs). */
export async function startLegacyUserSide(): Promise<UserSide> {
  const legacy: TestDatabase = await legacyDatabase();
  const control = await emptyDatabase('control');
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url, serviceUrls: { user: 'postgres://unused.invalid/none' } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  const handler: CallHandler = runtime.handlerFor({ name: 'hp_legacy', pool: legacy.pool });
  return {
    name: 'legacy',
    call: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rows: legacy.pool,
    legacy: legacy.pool,
    async stop() {
      await runtime.stop();
      await control.drop();
      await legacy.drop();
    },
  };
}

/** M02's replication slots are named after it, so one M02 stack per cluster at a time (test/support/module-sync-lock.ts). */
export const USER_SYNC_LOCK = 'M02';

/** A fresh legacy copy with M02 moved to the user service: `ficus start`'s stack, backfill, a forced shadow, cutover. */
export function startUserCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'user', modules: ['M02'], lock: USER_SYNC_LOCK, reason: 'test: the user service takes over M02' });
}

export async function startUserSide(): Promise<UserSide> {
  const user = await startUserCutoverStack();
  const handler = user.stack.runtime.handlerFor({ name: 'hp_legacy', pool: user.stack.legacyPool });
  return {
    name: 'user',
    call: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rows: user.service.pool,
    legacy: user.legacy.pool,
    stop: () => user.stop(),
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
