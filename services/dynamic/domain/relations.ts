import { sql, type Kysely } from 'kysely';
import type { FeedFacts } from './event-activities.ts';

/** Records who follows whom and who is in which community, as events tell it (svc_dynamic's own tables; repeats are no-ops). */
export async function learnRelations(own: Kysely<any>, facts: Pick<FeedFacts, 'follows' | 'memberships'>): Promise<void> {
  if (!facts.follows.length && !facts.memberships.length) return;
  // One statement for both: the event handler runs at the bus's rate.
  await sql`
    WITH follows AS (
      INSERT INTO feed_follows (follower_id, followee_id, reason)
      SELECT * FROM unnest(${facts.follows.map((f) => f.followerId)}::int4[], ${facts.follows.map((f) => f.followeeId)}::int4[], ${facts.follows.map((f) => f.reason)}::text[])
      ON CONFLICT DO NOTHING
    )
    INSERT INTO feed_community_members (group_id, user_id)
    SELECT * FROM unnest(${facts.memberships.map((m) => m.groupId)}::int4[], ${facts.memberships.map((m) => m.userId)}::int4[])
    ON CONFLICT DO NOTHING`.execute(own);
}
