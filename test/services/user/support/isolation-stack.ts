import type { Logger } from 'pino';
import user from '../../../../services/user/index.ts';
import { startIsolationStack, type IsolationStack } from '../../../support/isolation-stack.ts';
import { USER_SYNC_LOCK } from './user-core-sides.ts';

export type { Caller } from '../../../support/isolation-stack.ts';

/** M02's tables, and the model each one serves. */
export const M02_MODELS = {
  'hp.health.record': 'health_records',
  'hp.device.binding': 'device_bindings',
  'hp.health.goal': 'health_goals',
  'hp.assessment': 'assessments',
} as const;
export type M02Model = keyof typeof M02_MODELS;

/** `ficus start` as a member reaches it, with the user service beside the gateway (test/support/isolation-stack.ts). */
export type UserIsolationStack = IsolationStack;

export function startUserIsolationStack(logger: Logger, uids: readonly number[]): Promise<UserIsolationStack> {
  return startIsolationStack(user, { lock: USER_SYNC_LOCK, logger, uids });
}
