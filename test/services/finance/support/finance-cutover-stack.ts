import type { DrillStack } from '../../../../bench/drill/drill-stack.ts';
import { financeOnPool } from '../../../../services/trade/saga/finance-reach.ts';
import { rememberFinanceForLegacy } from '../../../../services/trade/legacy/ledger-owner.ts';
import type { TestDatabase } from '../../../support/databases.ts';
import { startServiceStack } from '../../../support/service-cutover-stack.ts';

/** hp_payment, hp_points and hp_gift: coupled (a gift order debits the ledger, a payment pays its source), so they move together. */
export const FINANCE_MODULES = ['M13', 'M14', 'M15'] as const;

export interface FinanceCutoverStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/** The lock every test running M13–M15's syncs holds (test/support/module-sync-lock.ts). */
export const FINANCE_SYNC_LOCK = 'finance M13 M14 M15';

/**
 * A fresh legacy copy with M13, M14 and M15 moved to finance the way the migration team does
 * it: the running stack of `ficus start` (gateway, phase routing, syncs), `backfill` of each
 * module, then a forced `shadow` and one `cutover` of the three together (shadow samples are
 * beside the point here). Every other module stays in phase legacy, answered by the gateway's
 * engine over the legacy database (no upstream Odoo).
 */
export async function startFinanceCutoverStack(): Promise<FinanceCutoverStack> {
  const side = await startServiceStack({
    service: 'finance',
    modules: FINANCE_MODULES,
    lock: FINANCE_SYNC_LOCK,
    // Where `ficus start` finds finance beside the monolith (svc_finance): this finance database has another name.
    onStarted: (stack, service) => rememberFinanceForLegacy(stack.legacyPool, financeOnPool(service.pool)),
  });
  try {
    await side.backfill();
    await side.cutOver({ together: true, reason: 'test: finance takes over M13, M14 and M15' });
  } catch (error) {
    await side.stop();
    throw error;
  }
  return side;
}
