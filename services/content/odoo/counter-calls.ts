import type pg from 'pg';
import { asOdooErrors } from '../../kit/index.ts';
import { inTransaction, type CallContext, type Queryable } from '../../../odoo-bridge/orm/index.ts';

/**
 * How action_like and action_vote run over RPC so that no concurrent like or vote is lost and
 * none fails: the engine's call transaction is REPEATABLE READ (as Odoo's), where even an atomic
 * `like_count = like_count + 1` meets a concurrent committed increment with a serialization
 * failure, retried at most five times (Odoo's MAX_TRIES) with growing waits: fifty members liking
 * one post at once would see some calls fail. So the call's transaction runs the method's checks
 * (Python's reads and the write ACL), and the increment with its events then commits in a short
 * READ COMMITTED transaction of the same database beside it, where the UPDATE waits for the row
 * and adds to the latest count. Inside another call's transaction (a behaviour calling the
 * method) there is no pool: the increment runs there, on that transaction.
 */
export async function checkedThenBeside<Checked>(
  ctx: CallContext,
  check: (tx: CallContext) => Promise<Checked>,
  apply: (on: CallContext, checked: Checked) => Promise<void>,
): Promise<true> {
  const pool = poolOf(ctx.db);
  if (!pool) {
    await inTransaction(ctx, async (tx) => asOdooErrors(check(tx).then((checked) => apply(tx, checked))));
    return true;
  }
  const checked = await inTransaction(ctx, (tx) => asOdooErrors(check(tx)));
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    await apply(onConnection(ctx, client), checked);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return true;
}

/** The engine's pool when `db` is one (an RPC call's own context), not a transaction's client. */
function poolOf(db: Queryable): pg.Pool | null {
  const candidate = db as Partial<pg.Pool>;
  return typeof candidate.connect === 'function' && typeof candidate.totalCount === 'number' ? (db as pg.Pool) : null;
}

/** The call's context on another connection of its database (for the events sink, which writes the outbox where the increment commits). */
function onConnection(ctx: CallContext, db: Queryable): CallContext {
  return Object.defineProperty(Object.create(ctx) as CallContext, 'db', { value: db, enumerable: true });
}
