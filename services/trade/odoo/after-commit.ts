import type { Logger } from 'pino';
import { inTransaction, type CallContext } from '../../../odoo-bridge/orm/index.ts';
import { currentWork } from '../../kit/index.ts';

interface AfterCommitJob {
  work: () => Promise<void>;
  /** The change is committed: a failure is the registrant's to log and count, never the client's. */
  onFailure: (error: unknown) => void;
}

/** Work registered by a call's hooks, per transaction attempt (a retried attempt starts empty). */
const pending = new WeakMap<CallContext, AfterCommitJob[]>();

export function afterCommit(ctx: CallContext, work: () => Promise<void>, onFailure: (error: unknown) => void): void {
  const list = pending.get(ctx);
  if (list) list.push({ work, onFailure });
  else pending.set(ctx, [{ work, onFailure }]);
}

/** inTransaction, then the work the committed attempt registered, each job's failure handed to its own handler. */
export async function inTransactionWithAfterCommit<T>(ctx: CallContext, work: (tx: CallContext) => Promise<T>): Promise<T> {
  let committed: CallContext | undefined;
  const result = await inTransaction(ctx, async (tx) => {
    pending.delete(tx);
    const value = await work(tx);
    committed = tx;
    return value;
  });
  // Inside someone else's transaction (tx === ctx) the outer caller commits; its work stays registered on ctx.
  if (committed && committed !== ctx) {
    for (const job of pending.get(committed) ?? []) await job.work().catch(job.onFailure);
    pending.delete(committed);
  }
  return result;
}

/**
 * The usual failure handler: a warning through the unit of work's logger when there is one (REST
 * request, event handling), else `fallback` (gateway calls run outside a work context). Either
 * censors secrets and health values, and errors are logged as class, message and code only
 * (platform/logger.ts), never with their SQL or connection; the uid says whose call it was.
 */
export function logAfterCommitFailure(fallback: Logger, uid: number): (error: unknown) => void {
  return (error) => (currentWork()?.log ?? fallback).warn({ err: error, uid }, 'trade after-commit work failed; the change is committed and its outbox event retries it');
}
