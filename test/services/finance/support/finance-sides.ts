import type pg from 'pg';
import type { CallHandler } from '../../../../odoo-bridge/call.ts';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { embeddedEndpoints } from '../../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../../platform/metrics.ts';
import { closeCommittedLedgerReaders } from '../../../../services/finance/db/committed-ledger-heads.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../../support/gateway.ts';
import { startFinanceCutoverStack } from './finance-cutover-stack.ts';

/**
 * One side of finance's cut, as Odoo clients reach it: `legacy` (every module in phase legacy,
 * the gateway's engine answering M13–M15 over the monolith's tables with finance's legacy
 * behaviours, embedded mode) or `finance` (M13–M15 cut over to svc_finance; M04 and the rest
 * still legacy). `rows` is the database holding finance's rows on that side.
 */
export interface FinanceSide {
  name: 'legacy' | 'finance';
  /** An Odoo call through the gateway's dispatch, in process. */
  call(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  gatewayUrl: string;
  rows: pg.Pool;
  legacy: pg.Pool;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

/** The monolith before any cutover: the migration runtime as `ficus start` builds it (no syncs), behind a real gateway. */
export async function startLegacySide(): Promise<FinanceSide> {
  const legacy: TestDatabase = await legacyDatabase();
  const control = await emptyDatabase('control');
  // In phase legacy the runtime never opens a service database.
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url, serviceUrls: { finance: 'postgres://unused.invalid/none' } });
  const runtime: MigrationRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
  const gateway: TestGateway = await startTestGateway({ serve: [{ name: 'hp_legacy', database: legacy }], handlerFor: runtime.handlerFor, router: runtime.router, loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
  const handler: CallHandler = runtime.handlerFor({ name: 'hp_legacy', pool: legacy.pool });
  return {
    name: 'legacy',
    call: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    gatewayUrl: gateway.url,
    rows: legacy.pool,
    legacy: legacy.pool,
    async stop() {
      await gateway.stop();
      await runtime.stop();
      await closeCommittedLedgerReaders();
      await control.drop();
      await legacy.drop();
    },
  };
}

/** M13, M14 and M15 cut over to finance on a fresh legacy copy (one finance stack per cluster at a time: the slots are per module). */
export async function startFinanceSide(): Promise<FinanceSide> {
  const finance = await startFinanceCutoverStack();
  const handler = finance.stack.runtime.handlerFor({ name: 'hp_legacy', pool: finance.stack.legacyPool });
  return {
    name: 'finance',
    call: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    gatewayUrl: finance.stack.gatewayUrl,
    rows: finance.service.pool,
    legacy: finance.legacy.pool,
    async stop() {
      await finance.stop();
      await closeCommittedLedgerReaders();
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

/** A user's ledger head: the last row's id and balance (0, 0 without one). */
export async function ledgerHead(rows: pg.Pool, userId: number): Promise<{ id: number; balance: number }> {
  const r = await rows.query<{ id: number; balance_after: number }>('SELECT id, balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [userId]);
  return { id: r.rows[0]?.id ?? 0, balance: r.rows[0]?.balance_after ?? 0 };
}

/** A user's ledger after `from` in id order, and whether it is one chain from there: each balance_after = the previous + delta, never negative. */
export async function ledgerChain(rows: pg.Pool, userId: number, from: { id: number; balance: number }): Promise<{ entries: { id: number; delta: number; balance_after: number }[]; broken: string[] }> {
  const entries = (await rows.query<{ id: number; delta: number; balance_after: number }>('SELECT id, delta, balance_after FROM points_transactions WHERE user_id = $1 AND id > $2 ORDER BY id', [userId, from.id])).rows;
  const broken: string[] = [];
  let balance = from.balance;
  for (const e of entries) {
    if (e.balance_after !== balance + e.delta) broken.push(`#${e.id}: ${balance} + ${e.delta} ≠ ${e.balance_after}`);
    if (e.balance_after < 0) broken.push(`#${e.id}: negative ${e.balance_after}`);
    balance = e.balance_after;
  }
  return { entries, broken };
}
