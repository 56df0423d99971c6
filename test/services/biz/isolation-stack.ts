import type { Logger } from 'pino';
import biz from '../../../services/biz/index.ts';
import { startIsolationStack, type IsolationStack } from '../../support/isolation-stack.ts';
import { BIZ_SYNC_LOCK } from './golden-biz-cutover-stack.ts';

export type { Caller } from '../../support/isolation-stack.ts';

/** `ficus start` as coaches, merchants and members reach it, with the biz service beside the gateway (test/support/isolation-stack.ts). */
export type BizIsolationStack = IsolationStack;

export function startBizIsolationStack(logger: Logger, uids: readonly number[]): Promise<BizIsolationStack> {
  return startIsolationStack(biz, { lock: BIZ_SYNC_LOCK, logger, uids });
}
