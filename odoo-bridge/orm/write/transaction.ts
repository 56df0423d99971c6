import type pg from 'pg';
import { createCallContext, type CallContext } from '../call-context.ts';
import { beginPrecommit, runPrecommit } from './precommit.ts';
import { openCopyWait, ReferenceNotCopiedYet } from './references/reference-guard.ts';
import { CONFLICT_RETRY, conflictRetryDelayMs } from './conflict-retry.ts';
import { isRetryable, writeErrorFromPg } from './sql-errors.ts';
import { currentWriteAttempt, WriteCancelled } from './write-attempt.ts';

/** Contexts already running inside a write transaction (hooks calling back into the engine). */
const inTx = new WeakSet<CallContext>();

/**
 * How long a write referencing a row its database only copies waits for the reference sync to
 * copy it (references/reference-guard.ts): longer than the sync's lag under load, short enough
 * that a reference to a row that exists nowhere is answered soon.
 */
const COPY_LAG_PATIENCE_MS = 3_000;

/**
 * One transaction per call, as Odoo's RPC layer does: REPEATABLE READ, commit on success,
 * rollback on any error, and the whole call tried again on serialization failures and deadlocks
 * after a random, growing wait with Odoo's patience (conflict-retry.ts: full jitter from 64 ms
 * where Odoo waits up to 2^n seconds): writes that clash on one row (members joining one group,
 * whose member count each recomputes) spread out and pass, where short fixed waits kept clashing
 * until they gave up, and the loser of a two-party race comes back in milliseconds rather than
 * seconds. The work gets a CallContext whose `db` —
 * and every search/read it compiles — is the transaction's connection. The precommit queue
 * (precommit.ts: mail tracking) runs after the work, before COMMIT, as Odoo's `cr.precommit`.
 *
 * Inside a client's write attempt (write-attempt.ts: the gateway's freeze gate may cancel it) the
 * transaction takes the attempt's commit turn before COMMIT, and a cancelled attempt rolls back,
 * discards its connection and throws WriteCancelled instead of retrying or wording an error.
 */
export async function inTransaction<T>(ctx: CallContext, work: (tx: CallContext) => Promise<T>): Promise<T> {
  if (inTx.has(ctx)) return work(ctx);
  const pool = ctx.db as Partial<pg.Pool>;
  if (typeof pool.connect !== 'function') throw new Error('the ORM engine must be given a pg.Pool to write');
  const waitForCopiesUntil = Date.now() + COPY_LAG_PATIENCE_MS;
  const cancellable = currentWriteAttempt();
  const pause = (ms: number) => {
    const slept = new Promise((r) => setTimeout(r, ms));
    return cancellable ? cancellable.race(slept) : slept;
  };
  for (let attempt = 0; ; attempt += 1) {
    const client = cancellable ? await cancellable.race(pool.connect(), (late) => late.release()) : await pool.connect();
    cancellable?.opened(client);
    let released = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const tx = await createCallContext({
        registry: ctx.registry,
        db: client,
        uid: ctx.uid,
        rawContext: ctx.context,
        policy: { forUser: async () => ctx.access },
        filestore: ctx.filestore,
      });
      inTx.add(tx);
      openCopyWait(tx, waitForCopiesUntil);
      beginPrecommit(client);
      const result = await work(tx);
      await runPrecommit(tx);
      if (cancellable && !cancellable.beginCommit()) throw new WriteCancelled();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (cancellable?.state === 'cancelled') {
        // Whatever the error says (the cancel request's, or a nested call's WriteCancelled worded
        // by a behaviour), nothing committed. Discarded: a cancel request may still be on its way.
        client.release(true);
        released = true;
        throw new WriteCancelled();
      }
      if (error instanceof ReferenceNotCopiedYet) {
        // Not a retry of a conflict: the same call on a fresh snapshot, until the wait closes.
        client.release();
        released = true;
        await pause(100);
        attempt -= 1;
        continue;
      }
      if (isRetryable(error) && attempt + 1 < CONFLICT_RETRY.maxTries) {
        client.release();
        released = true;
        await pause(conflictRetryDelayMs(attempt));
        continue;
      }
      // Back to the pool before the error is worded: wording it may query the pool, and calls
      // failing together (a burst of duplicates) would each hold a connection waiting for one.
      client.release();
      released = true;
      throw await writeErrorFromPg(error, ctx.registry, pool as pg.Pool, ctx.lang);
    } finally {
      cancellable?.closed(client);
      if (!released) client.release();
    }
  }
}
