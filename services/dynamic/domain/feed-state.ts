import { sql, type Kysely } from 'kysely';
import { preferencesOf, type FeedPreferences } from './preferences.ts';

/**
 * What every feed read learns from svc_dynamic first, in one statement: the epochs its triggers
 * keep (db/migrations.ts 0002: the removal epoch moves when any activity's content or visibility
 * changes or an activity goes, the user's when one of their entries changes or goes) and the
 * user's preferences.
 */
export interface FeedState {
  removalEpoch: string;
  userEpoch: string;
  preferences: FeedPreferences;
}

export async function readFeedState(own: Kysely<any>, userId: number): Promise<FeedState> {
  const { rows } = await sql<{ removal_epoch: string; user_epoch: string; verb_weights: Record<string, number> | null; muted_actor_ids: number[] | null; version: string | null; updated_at: Date | null }>`
    SELECT (SELECT epoch FROM feed_removal_epoch)::text AS removal_epoch,
           coalesce((SELECT epoch FROM feed_user_epochs WHERE user_id = ${userId}), 0)::text AS user_epoch,
           p.verb_weights, p.muted_actor_ids, p.version, p.updated_at
      FROM (SELECT 1) AS one LEFT JOIN feed_preferences p ON p.user_id = ${userId}`.execute(own);
  const row = rows[0]!;
  return {
    removalEpoch: row.removal_epoch,
    userEpoch: row.user_epoch,
    preferences: preferencesOf(row.version === null ? undefined : { verb_weights: row.verb_weights!, muted_actor_ids: row.muted_actor_ids!, version: row.version, updated_at: row.updated_at! }),
  };
}
