import type { FinanceDatabase } from '../../../services/finance/db/tables.ts';
import finance from '../../../services/finance/index.ts';
import type { OdooCalls } from '../../../services/kit/index.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

export { restClient } from '../../support/service-rest-stack.ts';

/** M13, M14 and M15's tables. */
export const FINANCE_TABLES = ['payments', 'settlements', 'points_transactions', 'gifts', 'gift_orders'] as const;

/** Who owns M13–M15 as svc_finance's write-owner rows say: finance's rows live in svc_finance ('service') or the monolith ('legacy'). */
export type FinanceOwner = ModuleOwner;

export type FinanceRestStack = ServiceRestStack<FinanceDatabase>;

/** Finance's REST API as `ficus start` serves it, after a backfill, with the owner of M13–M15 as `owner` (test/support/service-rest-stack.ts). */
export function startFinanceRestStack(options: { owner: FinanceOwner; odoo?: OdooCalls }): Promise<FinanceRestStack> {
  return startServiceRestStack({ definition: finance, tables: FINANCE_TABLES, owner: options.owner, ...(options.odoo ? { odoo: options.odoo } : {}) });
}
