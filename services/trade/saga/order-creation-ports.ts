import type { SagaOwners } from '../../kit/index.ts';
import type { OrderCreationPorts } from '../domain/order-creation-saga.ts';
import { legacyUserVerification } from '../legacy/legacy-user-verification.ts';
import { financeNotMigrated } from './finance-not-migrated.ts';
import { tradeOrderPort } from './trade-order-port.ts';

/**
 * The OrderCreationSaga's real owners at this step of the migration: users (auth, M01) are still
 * the monolith's, reached through trade's legacy adapter (or trade's copy of res_users when no
 * legacy database is configured); orders are trade's; payments (finance, M13) reserve nothing
 * until finance exists (finance-not-migrated.ts). When auth or finance take their modules over,
 * their ports change here.
 */
export function orderCreationPorts({ pool, legacyPool }: SagaOwners): OrderCreationPorts {
  return { users: legacyUserVerification(legacyPool, pool), orders: tradeOrderPort(pool), payments: financeNotMigrated() };
}
