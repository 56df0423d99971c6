import type { UserDatabase } from '../../../services/user/db/tables.ts';
import user from '../../../services/user/index.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/** M02's tables. */
export const USER_TABLES = ['health_records', 'device_bindings', 'health_goals', 'assessments'] as const;

/** Who owns M02 as svc_user's write-owner row says: its rows live in svc_user ('service') or the monolith ('legacy'). */
export type UserOwner = ModuleOwner;

export type HealthDataStack = ServiceRestStack<UserDatabase>;

/** The user service's REST API as `ficus start` serves it, after a backfill, with M02's owner as `owner` (test/support/service-rest-stack.ts). */
export function startHealthDataStack(options: { owner: UserOwner }): Promise<HealthDataStack> {
  return startServiceRestStack({ definition: user, tables: USER_TABLES, owner: options.owner });
}
