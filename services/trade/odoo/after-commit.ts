import type { Logger } from 'pino';
import type { CallContext } from '../../../odoo-bridge/orm/call-context.ts';
import { inTransaction } from '../../../odoo-bridge/orm/write/transaction.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { currentWork } from '../../kit/observability/work-context.ts';

/** Work registered by a call's hooks, per transaction attempt (a retried attempt starts empty). */
const pending = new WeakMap<CallContext, Array<() => Promise<void>>>();

export function afterCommit(ctx: CallContext, work: () => Promise<void>): void {
  const list = pending.get(ctx);
  if (list) list.push(work);
  else pending.set(ctx, [work]);
}

let processLogger: Logger | undefined;

/**
 * The unit of work's logger when there is one (REST request, event handling); gateway calls
 * run outside a work context, so they log through a process logger at the configured level.
 * Either one censors secrets and health values, and errors are logged as class, message and
 * code only (runtime/logger.ts), never with their SQL or connection.
 */
function logger(): Logger {
  const work = currentWork();
  if (work) return work.log;
  processLogger ??= createLogger({ level: process.env.LOG_LEVEL ?? 'info', format: 'json' });
  return processLogger;
}

/**
 * inTransaction, then the work the committed attempt registered. Failures there are logged and
 * reported to `onError`, never to the client: the change is committed, and its outbox event is
 * the durable retry of whatever the work does.
 */
export async function inTransactionWithAfterCommit<T>(ctx: CallContext, work: (tx: CallContext) => Promise<T>, onError: (error: unknown) => void): Promise<T> {
  let committed: CallContext | undefined;
  const result = await inTransaction(ctx, async (tx) => {
    pending.delete(tx);
    const value = await work(tx);
    committed = tx;
    return value;
  });
  // Inside someone else's transaction (tx === ctx) the outer caller commits; its work stays registered on ctx.
  if (committed && committed !== ctx) {
    for (const job of pending.get(committed) ?? []) {
      await job().catch((error: unknown) => {
        // Only who and what kind: the arguments of the call carry health values.
        logger().warn({ err: error, uid: ctx.uid }, 'trade after-commit work failed; the change is committed and its outbox event retries it');
        onError(error);
      });
    }
    pending.delete(committed);
  }
  return result;
}
