import { sql, type Kysely } from 'kysely';
import { preferencesOf, type FeedPreferences } from './preferences.ts';

/**
 * What every feed read learns from svc_dynamic first: the epochs its triggers keep
 * (db/migrations.ts 0002: the removal epoch moves when any activity's content or visibility
 * changes or an activity goes, the user's when one of their entries changes or goes) and the
 * user's preferences.
 */
export interface FeedState {
  removalEpoch: string;
  userEpoch: string;
  preferences: FeedPreferences;
}

interface Waiting {
  resolve(state: FeedState): void;
  reject(error: unknown): void;
}

/** Reads gathered in this turn of the event loop, per database, not yet sent. */
const gathering = new WeakMap<Kysely<any>, Map<number, Waiting[]>>();

/**
 * The state for one user. Reads outside a transaction that arrive in the same turn of the event
 * loop share one statement (sent on the next turn): under load every feed read needs this, and
 * one round trip for many users is what keeps the database's work per read small. A read never
 * joins a statement already sent, so what it learns is never older than the read itself: a
 * removal committed before a read began is always seen by it.
 */
export function readFeedState(own: Kysely<any>, userId: number): Promise<FeedState> {
  if (own.isTransaction) return readFeedStates(own, [userId]).then((states) => states.get(userId)!);
  let batch = gathering.get(own);
  if (!batch) {
    const started = new Map<number, Waiting[]>();
    batch = started;
    gathering.set(own, started);
    setImmediate(() => {
      gathering.delete(own);
      readFeedStates(own, [...started.keys()]).then(
        (states) => started.forEach((waiting, user) => waiting.forEach((w) => w.resolve(states.get(user)!))),
        (error: unknown) => started.forEach((waiting) => waiting.forEach((w) => w.reject(error))),
      );
    });
  }
  const waiting = batch.get(userId) ?? [];
  batch.set(userId, waiting);
  return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

/** The state of several users in one statement. */
export async function readFeedStates(own: Kysely<any>, userIds: readonly number[]): Promise<Map<number, FeedState>> {
  const { rows } = await sql<{ user_id: number; removal_epoch: string; user_epoch: string; verb_weights: Record<string, number> | null; muted_actor_ids: number[] | null; version: string | null; updated_at: Date | null }>`
    SELECT u.user_id, (SELECT epoch FROM feed_removal_epoch)::text AS removal_epoch, coalesce(e.epoch, 0)::text AS user_epoch,
           p.verb_weights, p.muted_actor_ids, p.version, p.updated_at
      FROM unnest(${[...userIds]}::int4[]) AS u(user_id)
      LEFT JOIN feed_user_epochs e ON e.user_id = u.user_id
      LEFT JOIN feed_preferences p ON p.user_id = u.user_id`.execute(own);
  return new Map(rows.map((row) => [row.user_id, {
    removalEpoch: row.removal_epoch,
    userEpoch: row.user_epoch,
    preferences: preferencesOf(row.version === null ? undefined : { verb_weights: row.verb_weights!, muted_actor_ids: row.muted_actor_ids!, version: row.version, updated_at: row.updated_at! }),
  }]));
}
