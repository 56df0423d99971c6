import type { CallContext } from '../call-context.ts';

/**
 * Odoo's `cr.precommit`: work that runs once, just before the transaction commits (mail
 * tracking compares the records' first-seen values with their final ones there). Keyed by the
 * transaction's connection, so every context of one transaction shares the queue. Outside a
 * transaction (a caller writing on a bare pool) the work runs at once.
 */
interface Queue {
  order: string[];
  work: Map<string, (ctx: CallContext) => Promise<void>>;
  data: Map<string, unknown>;
}

const queues = new WeakMap<object, Queue>();

export function beginPrecommit(db: object): void {
  queues.set(db, { order: [], work: new Map(), data: new Map() });
}

export function inPrecommitScope(ctx: CallContext): boolean {
  return queues.has(ctx.db);
}

/** `cr.precommit.add(fn)` (once per key) and `cr.precommit.data.setdefault(key, init)`. */
export function precommitData<T>(ctx: CallContext, key: string, init: () => T, work: (ctx: CallContext) => Promise<void>): T | undefined {
  const queue = queues.get(ctx.db);
  if (!queue) return undefined;
  if (!queue.work.has(key)) {
    queue.order.push(key);
    queue.work.set(key, work);
  }
  // The data outlives its work only until the work takes it (takePrecommitData).
  if (!queue.data.has(key)) queue.data.set(key, init());
  return queue.data.get(key) as T;
}

/** `cr.precommit.run()`: each queued work once, in order, including work queued meanwhile; then the scope ends. */
export async function runPrecommit(ctx: CallContext): Promise<void> {
  const queue = queues.get(ctx.db);
  if (!queue) return;
  for (let i = 0; i < queue.order.length; i++) {
    const key = queue.order[i]!;
    const work = queue.work.get(key);
    if (!work) continue;
    // Taken off first: work that queues the same key again (a write during finalize) runs once more.
    queue.work.delete(key);
    await work(ctx);
  }
  queues.delete(ctx.db);
}

export function takePrecommitData<T>(ctx: CallContext, key: string): T | undefined {
  const queue = queues.get(ctx.db);
  const value = queue?.data.get(key) as T | undefined;
  queue?.data.delete(key);
  return value;
}
