import { type Queryable, userError, validationError } from '../../../odoo-bridge/orm/index.ts';

export interface PointsEntry {
  userId: number;
  delta: number;
  reason: string;
  refModel: string | null;
  refId: number | null;
}

/**
 * hp_points' ledger rule (hp_points/models/hp_points_transaction.py): per user, serialised with
 * `pg_advisory_xact_lock(14, user)`, balance_after = the previous balance + delta, never below
 * zero. Returns each entry's balance_after, in the given order. Runs in the caller's transaction.
 */
export async function ledgerBalances(db: Queryable, entries: readonly { userId: number; delta: number }[]): Promise<number[]> {
  const users = [...new Set(entries.map((e) => e.userId))].sort((a, b) => a - b);
  const balances = new Map<number, number>();
  for (const user of users) {
    await db.query('SELECT pg_advisory_xact_lock(14, $1)', [user]);
    const r = await db.query<{ balance_after: number | null }>('SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [user]);
    balances.set(user, r.rows[0]?.balance_after ?? 0);
  }
  return entries.map((e) => {
    const before = balances.get(e.userId)!;
    const after = before + e.delta;
    if (after < 0) throw validationError(`Insufficient points: user ${e.userId} has ${before} points, ${e.delta} requested.`);
    balances.set(e.userId, after);
    return after;
  });
}

/** Appends entries as `hp.points.transaction.sudo().create` does, as `uid`. */
export async function appendPoints(db: Queryable, entries: readonly PointsEntry[], uid: number): Promise<void> {
  if (!entries.length) return;
  const balances = await ledgerBalances(db, entries);
  for (const [i, e] of entries.entries()) {
    await db.query(
      `INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, now() at time zone 'UTC', now() at time zone 'UTC')`,
      [e.userId, e.delta, balances[i], e.reason, e.refModel, e.refId, uid],
    );
  }
}

export const APPEND_ONLY_FIELDS = ['user_id', 'delta', 'balance_after'];
export const appendOnlyError = () => userError('Points transactions are append-only; create an adjustment instead.');
