import { sql, type Kysely } from 'kysely';

/**
 * A user's feed preferences (PUT /users/{id}/preferences), kept in svc_dynamic's own
 * `feed_preferences`: a weight per verb (0 hides the verb, 1 is neutral, up to 3) and actors
 * they muted. Used by every feed read: muted actors and verbs weighted 0 never show (feed and
 * trending), and the `relevance` order ranks entries by `score × weight(verb)`.
 */
export interface FeedPreferences {
  verbWeights: Record<string, number>;
  mutedActorIds: number[];
  /** 0 until the user stores any; grows with every change (cache keys and relevance cursors carry it). */
  version: number;
  updatedAt: string | null;
}

export const DEFAULT_PREFERENCES: FeedPreferences = { verbWeights: {}, mutedActorIds: [], version: 0, updatedAt: null };
export const MAX_VERB_WEIGHT = 3;
export const MAX_MUTED_ACTORS = 500;

export function verbWeight(preferences: FeedPreferences, verb: string): number {
  return preferences.verbWeights[verb] ?? 1;
}

/** Verbs the user hid (weight 0). */
export function mutedVerbs(preferences: FeedPreferences): string[] {
  return Object.entries(preferences.verbWeights).filter(([, weight]) => weight === 0).map(([verb]) => verb);
}

/** Whether an activity passes the user's mutes (what a feed or trending list leaves out). */
export function passesMutes(preferences: FeedPreferences, activity: { actorId: number; verb: string }): boolean {
  return verbWeight(preferences, activity.verb) > 0 && !preferences.mutedActorIds.includes(activity.actorId);
}

interface PreferenceRow { verb_weights: Record<string, number>; muted_actor_ids: number[]; version: string; updated_at: Date }

export function preferencesOf(row: PreferenceRow | undefined): FeedPreferences {
  if (!row) return DEFAULT_PREFERENCES;
  return { verbWeights: row.verb_weights, mutedActorIds: row.muted_actor_ids, version: Number(row.version), updatedAt: row.updated_at.toISOString() };
}

export async function readPreferences(own: Kysely<any>, userId: number): Promise<FeedPreferences> {
  const { rows } = await sql<PreferenceRow>`SELECT verb_weights, muted_actor_ids, version, updated_at FROM feed_preferences WHERE user_id = ${userId}`.execute(own);
  return preferencesOf(rows[0]);
}

/** Replaces the user's preferences (PUT semantics); the version moves on. */
export async function storePreferences(own: Kysely<any>, userId: number, wanted: { verbWeights: Record<string, number>; mutedActorIds: number[] }): Promise<FeedPreferences> {
  const muted = [...new Set(wanted.mutedActorIds)].sort((a, b) => a - b);
  const { rows } = await sql<PreferenceRow>`
    INSERT INTO feed_preferences (user_id, verb_weights, muted_actor_ids) VALUES (${userId}, ${JSON.stringify(wanted.verbWeights)}::jsonb, ${muted}::int4[])
    ON CONFLICT (user_id) DO UPDATE SET verb_weights = EXCLUDED.verb_weights, muted_actor_ids = EXCLUDED.muted_actor_ids,
      version = feed_preferences.version + 1, updated_at = now()
    RETURNING verb_weights, muted_actor_ids, version, updated_at`.execute(own);
  return preferencesOf(rows[0]);
}
