import { sql as sqlText } from 'kysely';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import { FinanceRefused } from './finance-refusal.ts';

/** hp.points.transaction's `reason` selection (hp_points/models/hp_points_transaction.py). */
export const POINTS_REASONS = ['order', 'checkin', 'goal', 'gift', 'redeem', 'adjust'] as const;
export type PointsReason = (typeof POINTS_REASONS)[number];

/**
 * The advisory lock class hp_points takes per user (`pg_advisory_xact_lock(14, user_id)`).
 * Finance takes the very same lock, so Odoo (while it still writes the ledger, e.g. in shadow)
 * and the service serialise on one user's ledger together.
 */
export const LEDGER_LOCK_CLASS = 14;

/** One entry to append: who, how many points (negative: a debit), why, and the document behind it. */
export interface LedgerEntry {
  userId: number;
  delta: number;
  reason: PointsReason;
  refModel: string | null;
  refId: number | null;
}

/** An appended entry as stored. */
export interface LedgerRow extends LedgerEntry {
  id: number;
  balanceAfter: number;
}

/** A user's last ledger row: its id (the ledger's order) and balance_after. */
export interface LedgerHead {
  id: number;
  balanceAfter: number;
}

/**
 * The last ledger row of each user among the rows other transactions committed, read on a
 * connection of its own. A caller in REPEATABLE READ (every Odoo RPC call: the ORM engine's
 * transactions are, like Odoo's) took its snapshot before it got the user's lock, so its own
 * statements cannot see the row the previous lock holder committed while it waited: computing
 * from them would fork the ledger (two rows after the same balance). Such a caller passes this
 * reader; one in READ COMMITTED (REST, events) does not need it, since each statement after the
 * lock sees every commit.
 */
export type CommittedLedgerHeads = (userIds: readonly number[]) => Promise<Map<number, LedgerHead>>;

/** Where the ledger is read and appended: the caller's transaction, and for a REPEATABLE READ one the committed heads. */
export interface LedgerConnection {
  sql: SqlRunner;
  committedHeads?: CommittedLedgerHeads;
}

/** The addon's ValidationError text when a balance would fall below zero. */
export function insufficientPointsMessage(userId: number, balance: number, requested: number | string): string {
  return `Insufficient points: user ${userId} has ${balance} points, ${requested} requested.`;
}

/** The addon's UserError text for a write of user_id, delta or balance_after. */
export const APPEND_ONLY_MESSAGE = 'Points transactions are append-only; create an adjustment instead.';

/** Fields a write may never touch: the ledger is append-only (corrections are new entries). */
export const APPEND_ONLY_FIELDS: readonly string[] = ['user_id', 'delta', 'balance_after'];

/** The refusal of a write touching `fields`, if it touches one of the append-only ones. */
export function appendOnlyRefusal(fields: Iterable<string>): FinanceRefused | undefined {
  for (const field of fields) if (APPEND_ONLY_FIELDS.includes(field)) return new FinanceRefused('state', APPEND_ONLY_MESSAGE);
  return undefined;
}

/** Takes hp_points' per-user lock for each user, in ascending id order (two multi-user writers cannot deadlock). */
export async function lockUserLedgers(sql: SqlRunner, userIds: Iterable<number>): Promise<number[]> {
  const users = [...new Set(userIds)].sort((a, b) => a - b);
  for (const user of users) await sql.raw('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [LEDGER_LOCK_CLASS, user]);
  return users;
}

/** Each user's last row (by id, the addon's `ORDER BY id DESC LIMIT 1`) as this connection sees the ledger. */
export async function lastLedgerHeads(sql: SqlRunner, userIds: readonly number[]): Promise<Map<number, LedgerHead>> {
  if (!userIds.length) return new Map();
  const rows = await sql.raw<{ user_id: number; id: number; balance_after: number | null }>(
    'SELECT DISTINCT ON (user_id) user_id, id, balance_after FROM points_transactions WHERE user_id = ANY($1::int4[]) ORDER BY user_id, id DESC',
    [[...userIds]],
  );
  // `row[0] if row and row[0] is not None else 0`: a last row without balance counts as 0.
  return new Map(rows.map((r) => [r.user_id, { id: r.id, balanceAfter: r.balance_after ?? 0 }]));
}

/**
 * Each user's balance with their ledger locked (call lockUserLedgers first): the later of the
 * last row this transaction sees (its own uncommitted entries included) and the last row others
 * committed. Ids order the ledger: a row committed by an earlier lock holder drew its id before
 * this transaction got the lock, so before any row this one appends.
 */
async function lockedBalances(ledger: LedgerConnection, users: readonly number[]): Promise<Map<number, number>> {
  const seen = await lastLedgerHeads(ledger.sql, users);
  const committed = ledger.committedHeads ? await ledger.committedHeads(users) : new Map<number, LedgerHead>();
  const balances = new Map<number, number>();
  for (const user of users) {
    const own = seen.get(user);
    const other = committed.get(user);
    const head = own && other ? (other.id > own.id ? other : own) : (own ?? other);
    balances.set(user, head?.balanceAfter ?? 0);
  }
  return balances;
}

/**
 * hp_points' create rule (hp_points_transaction.py `create`): lock each user's ledger (sorted),
 * read their balance, then per entry in the given order balance_after = balance + delta, refused
 * with the addon's ValidationError when it falls below zero. Returns each entry's balance_after.
 * The locks stay until the caller's transaction ends, so it must append the rows in the same
 * transaction. `requested` is the delta as the caller wrote it (the message shows it as given).
 */
export async function ledgerBalancesAfter(ledger: LedgerConnection, entries: readonly { userId: number; delta: number; requested?: number | string }[]): Promise<number[]> {
  const users = await lockUserLedgers(ledger.sql, entries.map((e) => e.userId));
  const balances = await lockedBalances(ledger, users);
  return entries.map((entry) => {
    const before = balances.get(entry.userId)!;
    const after = before + entry.delta;
    if (after < 0) throw new FinanceRefused('validation', insufficientPointsMessage(entry.userId, before, entry.requested ?? entry.delta));
    balances.set(entry.userId, after);
    return after;
  });
}

/**
 * Appends entries to the ledger as `hp.points.transaction.sudo().create(vals_list)` does, in the
 * caller's transaction, as `uid` (create_uid/write_uid): all or nothing (one refusal refuses
 * every entry). Used where no ORM create runs (REST, events, a gift order's debit).
 */
export async function appendLedgerEntries(ledger: LedgerConnection, entries: readonly LedgerEntry[], uid: number): Promise<LedgerRow[]> {
  if (!entries.length) return [];
  const balances = await ledgerBalancesAfter(ledger, entries);
  const now = sqlText<string>`(now() at time zone 'UTC')`;
  const inserted = await ledger.sql.run(
    build
      .insertInto('points_transactions')
      .values(entries.map((e, i) => ({
        user_id: e.userId, delta: e.delta, balance_after: balances[i]!, reason: e.reason, ref_model: e.refModel, ref_id: e.refId,
        create_uid: uid, write_uid: uid, create_date: now, write_date: now,
      })))
      .returning('id'),
  );
  // A multi-row VALUES inserts, and returns, in the listed order.
  return entries.map((e, i) => ({ ...e, id: inserted[i]!.id, balanceAfter: balances[i]! }));
}

/**
 * `res.users.points_balance` (hp_points/models/res_users.py): the last balance_after of each
 * user's ledger, 0 without one. A read: no lock (it is the balance as of the caller's snapshot).
 */
export async function pointsBalances(sql: SqlRunner, userIds: readonly number[]): Promise<Map<number, number>> {
  const heads = await lastLedgerHeads(sql, [...new Set(userIds)]);
  return new Map(userIds.map((id) => [id, heads.get(id)?.balanceAfter ?? 0]));
}

/** A user's ledger, newest first (`_order = 'id desc'`), for listings. */
export async function ledgerPage(sql: SqlRunner, userId: number, options: { limit: number; beforeId?: number }): Promise<LedgerRow[]> {
  let query = build.selectFrom('points_transactions').select(['id', 'user_id', 'delta', 'balance_after', 'reason', 'ref_model', 'ref_id']).where('user_id', '=', userId);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  const rows = await sql.run(query.orderBy('id', 'desc').limit(options.limit));
  return rows.map((r) => ({ id: r.id, userId: r.user_id, delta: r.delta, balanceAfter: r.balance_after ?? 0, reason: r.reason, refModel: r.ref_model, refId: r.ref_id }));
}
