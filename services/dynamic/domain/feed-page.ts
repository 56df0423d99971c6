import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FeedOrder, FeedPosition } from './feed-cursor.ts';
import { mutedVerbs, type FeedPreferences } from './preferences.ts';
import { visibleToSql } from './visibility.ts';

/** An activity as REST shows it. */
export interface ActivityView {
  id: number;
  actorId: number;
  verb: string;
  objectModel: string | null;
  objectId: number | null;
  summary: string | null;
  visibility: string;
  /** ISO 8601, UTC. */
  createdAt: string | null;
}

export interface FeedItem {
  entryId: number;
  /** The unseen marker: false until hp.user.feed.action_mark_seen (or its REST twin) ran on the entry. */
  seen: boolean;
  score: number | null;
  activity: ActivityView;
}

export interface FeedPage {
  items: FeedItem[];
  /** Where the next page starts; null on the last one. */
  next: FeedPosition | null;
}

export interface FeedPageRequest {
  userId: number;
  order: FeedOrder;
  limit: number;
  after: FeedPosition | null;
  preferences: FeedPreferences;
}

/** Columns of an activity row `a` as ActivityView's fields. */
export const ACTIVITY_COLUMNS = sql`a.id, a.actor_id, a.verb, a.object_model, a.object_id, a.summary, a.visibility,
  to_char(a.create_date, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at`;

export interface ActivityRow {
  id: number; actor_id: number; verb: string; object_model: string | null; object_id: number | null; summary: string | null; visibility: string; created_at: string | null;
}

export function activityView(row: ActivityRow): ActivityView {
  return { id: row.id, actorId: row.actor_id, verb: row.verb, objectModel: row.object_model, objectId: row.object_id, summary: row.summary, visibility: row.visibility, createdAt: row.created_at };
}

/**
 * One page of a user's feed, read from `rows` (the home of M19's rows): their hp.user.feed
 * entries whose activity they may see (hp_feed's member rule, domain/visibility.ts) and did not
 * mute, newest entry first (`recent`: the entry's create_date, then id) or most relevant first
 * (`relevance`: score × the user's weight for the verb, then id), after `after`. One statement;
 * the keyset condition makes every page an index range in svc_dynamic
 * (user_feeds__user_recent_index).
 */
export async function loadFeedPage(rows: Kysely<any>, request: FeedPageRequest): Promise<FeedPage> {
  const { userId, order, limit, after, preferences } = request;
  const position: RawBuilder<unknown> = order === 'recent'
    ? sql`coalesce(f.create_date, '-infinity'::timestamp)`
    : sql`(coalesce(f.score, 0) * coalesce((${JSON.stringify(preferences.verbWeights)}::jsonb ->> a.verb)::float8, 1))`;
  const keyType = order === 'recent' ? sql`timestamp` : sql`float8`;
  const { rows: found } = await sql<ActivityRow & { entry_id: number; seen: boolean; score: number | null; position: string }>`
    SELECT f.id AS entry_id, coalesce(f.seen, false) AS seen, f.score, ${position}::text AS position, ${ACTIVITY_COLUMNS}
      FROM user_feeds f JOIN activities a ON a.id = f.activity_id
     WHERE f.user_id = ${userId}
       AND ${visibleToSql('a', userId)}
       AND NOT (a.actor_id = ANY(${preferences.mutedActorIds}::int4[]))
       AND NOT (a.verb = ANY(${mutedVerbs(preferences)}::text[]))
       ${after ? sql`AND (${position}, f.id) < (${after.key}::${keyType}, ${after.id})` : sql``}
     ORDER BY ${position} DESC, f.id DESC
     LIMIT ${limit + 1}`.execute(rows);
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ entryId: r.entry_id, seen: r.seen, score: r.score, activity: activityView(r) })),
    next: found.length > limit && last ? { key: last.position, id: last.entry_id } : null,
  };
}
