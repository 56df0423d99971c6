import type pg from 'pg';
import type { SagaOwners } from '../../kit/index.ts';
import type { OrderCreationPorts } from '../domain/order-creation-saga.ts';
import { legacyUserVerification } from '../legacy/legacy-user-verification.ts';
import { financePaymentPort } from './finance-payment-port.ts';
import { financeBeside, financeOnPool, rememberFinanceReach, type FinanceReach } from './finance-reach.ts';
import { tradeOrderPort } from './trade-order-port.ts';

/**
 * The OrderCreationSaga's real owners at this step of the migration: users (auth, M01) are still
 * the monolith's, reached through trade's legacy adapter (or trade's copy of res_users when no
 * legacy database is configured); orders are trade's; payments (M13) are reserved in finance once
 * finance owns M13 and not at all while the monolith does, decided per call
 * (finance-payment-port.ts). Finance's database is found beside trade's own (embedded mode) unless
 * `finance` names it (a test, or FICUS_FINANCE_DATABASE_URL, see finance-reach.ts).
 */
export function orderCreationPorts({ pool, legacyPool }: SagaOwners, options: { finance?: pg.Pool | FinanceReach } = {}): OrderCreationPorts {
  const finance = !options.finance ? financeBeside(pool) : 'database' in options.finance ? options.finance : financeOnPool(options.finance);
  if (legacyPool) rememberFinanceReach(legacyPool, finance);
  return { users: legacyUserVerification(legacyPool, pool), orders: tradeOrderPort(pool), payments: financePaymentPort(finance, legacyPool) };
}
