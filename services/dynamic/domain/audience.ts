import { sql, type Kysely } from 'kysely';
import type { ActivityDraft } from './activity-draft.ts';

/**
 * How relevant an activity is to a user whose feed gets it, by why it gets there: stored as the
 * feed entry's `score` (hp.user.feed orders by it, so Odoo clients see the same ranking) and
 * multiplied by the user's verb weights in the feed's `relevance` order.
 */
export const RELATION_WEIGHTS = { self: 1, participant: 1, coach: 0.8, client: 0.6, community: 0.4 } as const;

/** At most this many feeds get one activity (a guard against a runaway community; the actor and participants always do). */
export const AUDIENCE_LIMIT = 10_000;

export interface Recipient {
  userId: number;
  score: number;
}

/**
 * Fan-out on write: who gets a new activity in their feed. A private activity reaches its actor
 * only (hp_feed's rule shows it to nobody else); otherwise the actor, the participants and, when
 * the draft says so, the actor's followers: their clients or coaches (from orders) and the
 * members of their communities. Followers come from svc_dynamic's own tables (`own`).
 */
export async function audienceOf(own: Kysely<any>, draft: ActivityDraft): Promise<Recipient[]> {
  const recipients = new Map<number, number>([[draft.actorId, RELATION_WEIGHTS.self]]);
  if (draft.visibility === 'private') return toList(recipients);
  for (const userId of draft.participants) if (!recipients.has(userId)) recipients.set(userId, RELATION_WEIGHTS.participant);
  if (draft.toFollowers) {
    const { rows } = await sql<{ user_id: number; weight: number }>`
      SELECT user_id, max(weight)::float8 AS weight FROM (
        SELECT follower_id AS user_id, CASE reason WHEN 'coach' THEN ${RELATION_WEIGHTS.coach}::float8 ELSE ${RELATION_WEIGHTS.client}::float8 END AS weight
          FROM feed_follows WHERE followee_id = ${draft.actorId}
        UNION ALL
        SELECT other.user_id, ${RELATION_WEIGHTS.community}::float8
          FROM feed_community_members mine JOIN feed_community_members other ON other.group_id = mine.group_id
         WHERE mine.user_id = ${draft.actorId}
      ) AS followers
      WHERE user_id <> ${draft.actorId}
      GROUP BY user_id ORDER BY max(weight) DESC, user_id LIMIT ${AUDIENCE_LIMIT}`.execute(own);
    for (const row of rows) if (!recipients.has(row.user_id)) recipients.set(row.user_id, row.weight);
  }
  return toList(recipients);
}

function toList(recipients: Map<number, number>): Recipient[] {
  return [...recipients].map(([userId, score]) => ({ userId, score }));
}
