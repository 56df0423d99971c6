import { holdModuleSyncs } from '../../../support/module-sync-lock.ts';
import pg from 'pg';
import { startDrillStack, type DrillMount, type DrillMountParts, type DrillStack } from '../../../../bench/drill/drill-stack.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { financeOnPool } from '../../../../services/trade/saga/finance-reach.ts';
import { rememberFinanceForLegacy } from '../../../../services/trade/legacy/ledger-owner.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../../support/databases.ts';

/** hp_payment, hp_points and hp_gift: coupled (a gift order debits the ledger, a payment pays its source), so they move together. */
export const FINANCE_MODULES = ['M13', 'M14', 'M15'] as const;

export interface FinanceCutoverStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/** How far the stack moves M13–M15: `cutover` (the default) routes them to finance; `shadow` leaves them at shadow; `backfill` only copies. */
export type FinancePhaseTarget = 'backfill' | 'shadow' | 'cutover';

export interface FinanceCutoverOptions {
  upTo?: FinancePhaseTarget;
  /** REST routers mounted beside the Odoo routes, as `ficus start` mounts the services' (see startDrillStack). */
  mount?: (parts: DrillMountParts) => Promise<DrillMount>;
}

/** Slot names are per module and service, so per cluster: only one finance stack may run at a time. */
const FINANCE_SLOTS = [...FINANCE_MODULES.flatMap((m) => [`ficus_fwd_${m.toLowerCase()}`, `ficus_rev_${m.toLowerCase()}`]), 'ficus_ref_finance'];

async function dropFinanceSlots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [FINANCE_SLOTS]);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh legacy copy with M13, M14 and M15 moved to finance the way the migration team does
 * it: the running stack of `ficus start` (gateway, phase routing, syncs), `backfill` of each
 * module, then a forced `shadow` and one `cutover` of the three together (shadow samples are
 * beside the point here). Every other module stays in phase legacy, answered by the gateway's
 * engine over the legacy database (no upstream Odoo).
 */
/** The lock every test running M13–M15's syncs holds (test/support/module-sync-lock.ts). */
export const FINANCE_SYNC_LOCK = 'finance M13 M14 M15';

export async function startFinanceCutoverStack(options: FinanceCutoverOptions = {}): Promise<FinanceCutoverStack> {
  const upTo = options.upTo ?? 'cutover';
  // One finance stack per cluster at a time: the replication slots are named after the modules.
  const lock = await holdModuleSyncs(FINANCE_SYNC_LOCK);
  try {
    await dropFinanceSlots();
  } catch (error) {
    await lock.release();
    throw error;
  }
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const control = await emptyDatabase('control');
  const service = await emptyDatabase('svc_finance');
  const dropAll = async () => {
    try {
      await control.drop();
      await service.drop();
      await legacy.drop();
      await dropFinanceSlots();
    } finally {
      await lock.release();
    }
  };
  let stack: DrillStack;
  try {
    stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'finance', ...(options.mount ? { mount: options.mount } : {}) });
  } catch (error) {
    await dropAll();
    throw error;
  }
  // Where `ficus start` finds finance beside the monolith (svc_finance): this finance database has another name.
  rememberFinanceForLegacy(stack.legacyPool, financeOnPool(service.pool));
  const stop = async () => {
    await stack.stop();
    await dropAll();
  };
  try {
    const force = { force: true, reason: 'test: finance takes over M13, M14 and M15', actor: 'test' };
    for (const module of FINANCE_MODULES) {
      const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
      if (!backfill.ok) throw new Error(`backfill ${module}: ${backfill.message}`);
    }
    if (upTo !== 'backfill') {
      for (const module of FINANCE_MODULES) await stack.controller.shadow(module, force);
    }
    if (upTo === 'cutover') {
      const refused = (await stack.controller.together('cutover', [...FINANCE_MODULES], force)).filter((r) => !r.ok);
      if (refused.length) throw new Error(`cutover: ${refused.map((r) => r.message).join('; ')}`);
      // Gateways learn the phase by NOTIFY; wait until this one routes the three modules to finance.
      const started = Date.now();
      while (FINANCE_MODULES.some((m) => stack.runtime.book.get(m).phase !== 'service')) {
        if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover of M13, M14 and M15');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stack, legacy, service, stop };
}
