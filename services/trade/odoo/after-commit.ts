import type { CallContext } from '../../../odoo-bridge/orm/call-context.ts';
import { inTransaction } from '../../../odoo-bridge/orm/write/transaction.ts';

/** Work registered by a call's hooks, per transaction attempt (a retried attempt starts empty). */
const pending = new WeakMap<CallContext, Array<() => Promise<void>>>();

export function afterCommit(ctx: CallContext, work: () => Promise<void>): void {
  const list = pending.get(ctx);
  if (list) list.push(work);
  else pending.set(ctx, [work]);
}

/**
 * inTransaction, then the work the committed attempt registered. Failures there are reported
 * to `onError`, never to the client: the change is committed, and its outbox event is the
 * durable retry of whatever the work does.
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
    for (const job of pending.get(committed) ?? []) await job().catch(onError);
    pending.delete(committed);
  }
  return result;
}
