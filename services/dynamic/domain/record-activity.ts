import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { feedHome, inFeedHome, type FeedHome } from '../db/feed-home.ts';
import type { ActivityDraft } from './activity-draft.ts';
import { audienceOf, type Recipient } from './audience.ts';

/** Odoo's SUPERUSER_ID: the author the platform writes on its own behalf (create_uid of activities made from events). */
export const SYSTEM_UID = 1;

export interface RecordedActivity {
  activityId: number;
  /** False when the draft's fact was already recorded (dedupe). */
  created: boolean;
  /** The users whose feeds got a new entry. */
  recipients: number[];
}

const UTC_NOW = sql`(now() at time zone 'UTC')`;

/**
 * Writes one activity and its feed entries (fan-out on write) into `rows`, the home of M19's
 * rows (db/feed-home.ts). A draft marked `dedupe` is recorded once per fact (actor, verb,
 * object): under a transaction-scoped advisory lock on the fact, an activity already recorded
 * for it is returned instead. This is what makes an event exactly-once on the monolith's side,
 * where the inbox's transaction (svc_dynamic) and the write (the monolith) commit apart.
 */
export async function recordActivity(rows: Kysely<any>, draft: ActivityDraft, audience: readonly Recipient[], byUid: number): Promise<RecordedActivity> {
  if (draft.dedupe) {
    const fact = `dynamic.activity:${draft.actorId}:${draft.verb}:${draft.objectModel ?? ''}:${draft.objectId ?? ''}`;
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${fact}, 0))`.execute(rows);
    const { rows: found } = await sql<{ id: number }>`
      SELECT id FROM activities
       WHERE actor_id = ${draft.actorId} AND verb = ${draft.verb}
         AND object_model IS NOT DISTINCT FROM ${draft.objectModel}::varchar AND object_id IS NOT DISTINCT FROM ${draft.objectId}::int4
       ORDER BY id LIMIT 1`.execute(rows);
    if (found[0]) return { activityId: found[0].id, created: false, recipients: [] };
  }
  const { rows: inserted } = await sql<{ id: number }>`
    INSERT INTO activities (actor_id, verb, object_model, object_id, summary, visibility, create_uid, write_uid, create_date, write_date)
    VALUES (${draft.actorId}, ${draft.verb}, ${draft.objectModel}, ${draft.objectId}, ${draft.summary}, ${draft.visibility}, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW})
    RETURNING id`.execute(rows);
  const activityId = inserted[0]!.id;
  const { rows: delivered } = await sql<{ user_id: number }>`
    INSERT INTO user_feeds (user_id, activity_id, score, seen, create_uid, write_uid, create_date, write_date)
    SELECT r.user_id, ${activityId}, r.score, false, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW}
      FROM unnest(${audience.map((r) => r.userId)}::int4[], ${audience.map((r) => r.score)}::float8[]) AS r(user_id, score)
    ON CONFLICT (user_id, activity_id) DO NOTHING
    RETURNING user_id`.execute(rows);
  return { activityId, created: true, recipients: delivered.map((r) => r.user_id) };
}

export interface RecordedActivities {
  home: FeedHome;
  activities: RecordedActivity[];
  /** Every user whose feed got a new entry (their cached pages are stale). */
  recipients: number[];
}

/**
 * Records drafts where M19's rows live now. `own` is the caller's transaction of svc_dynamic:
 * the owner row is held in it (a cutover waits), the audiences are read from it, and on the
 * service side the activities are written in it too, committing with the inbox row or the
 * idempotency record; on the monolith's side they commit first, in a transaction of their own.
 */
export async function recordActivities(own: Kysely<any>, legacyPool: pg.Pool | null, drafts: readonly ActivityDraft[], byUid: number): Promise<RecordedActivities> {
  const home = await feedHome(own, legacyPool, { hold: true });
  const audiences: Recipient[][] = [];
  for (const draft of drafts) audiences.push(await audienceOf(own, draft));
  const activities = await inFeedHome(own, legacyPool, home, async (rows) => {
    const recorded: RecordedActivity[] = [];
    for (const [index, draft] of drafts.entries()) recorded.push(await recordActivity(rows, draft, audiences[index]!, byUid));
    return recorded;
  });
  return { home, activities, recipients: [...new Set(activities.flatMap((a) => a.recipients))] };
}
