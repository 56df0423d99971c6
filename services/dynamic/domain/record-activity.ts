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
 * Writes activities and their feed entries (fan-out on write) into `rows`, the home of M19's
 * rows (db/feed-home.ts), in one statement whatever their number: the event handler runs at the
 * bus's rate, and every round trip counts there. A draft marked `dedupe` is recorded once per
 * fact (actor, verb, object): an activity already recorded for it is returned instead of a new
 * one. This is what makes an event exactly-once on the monolith's side, where the inbox's
 * transaction (svc_dynamic) and the write (the monolith) commit apart: an event whose inbox row
 * rolled back after its activities committed there comes again and finds them. No lock is needed
 * for two deliveries at once: the inbox row is the first thing a delivery writes, so a second
 * delivery of the same event waits for the first's transaction and then skips the event, or (the
 * first having rolled back) runs after the monolith's commit and sees it. Ids come from the
 * table's own sequence, as its default would.
 */
export async function recordActivitiesIn(rows: Kysely<any>, drafts: readonly ActivityDraft[], audiences: readonly (readonly Recipient[])[], byUid: number): Promise<RecordedActivity[]> {
  if (!drafts.length) return [];
  const column = <T>(pick: (d: ActivityDraft) => T) => drafts.map(pick);
  const entries = audiences.flatMap((audience, index) => audience.map((r) => ({ n: index + 1, ...r })));
  const { rows: recorded } = await sql<{ n: string; id: number; created: boolean; recipients: number[] }>`
    WITH draft AS (
      SELECT * FROM unnest(${column((d) => d.actorId)}::int4[], ${column((d) => d.verb)}::text[], ${column((d) => d.objectModel)}::text[],
                           ${column((d) => d.objectId)}::int4[], ${column((d) => d.summary)}::text[], ${column((d) => d.visibility)}::text[], ${column((d) => d.dedupe)}::bool[])
        WITH ORDINALITY AS d(actor_id, verb, object_model, object_id, summary, visibility, dedupe, n)
    ), known AS (
      SELECT d.n, (SELECT a.id FROM activities a
                    WHERE d.dedupe AND a.actor_id = d.actor_id AND a.verb = d.verb
                      AND a.object_model IS NOT DISTINCT FROM d.object_model AND a.object_id IS NOT DISTINCT FROM d.object_id
                    ORDER BY a.id LIMIT 1) AS existing_id
        FROM draft d
    ), fresh AS (
      SELECT d.*, nextval(pg_get_serial_sequence('activities', 'id'))::int4 AS id
        FROM draft d JOIN known k ON k.n = d.n WHERE k.existing_id IS NULL ORDER BY d.n
    ), inserted AS (
      INSERT INTO activities (id, actor_id, verb, object_model, object_id, summary, visibility, create_uid, write_uid, create_date, write_date)
      SELECT id, actor_id, verb, object_model, object_id, summary, visibility, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW} FROM fresh
      RETURNING id
    ), delivered AS (
      INSERT INTO user_feeds (user_id, activity_id, score, seen, create_uid, write_uid, create_date, write_date)
      SELECT r.user_id, f.id, r.score, false, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW}
        FROM unnest(${entries.map((e) => e.n)}::int8[], ${entries.map((e) => e.userId)}::int4[], ${entries.map((e) => e.score)}::float8[]) AS r(n, user_id, score)
        JOIN fresh f ON f.n = r.n
      ON CONFLICT (user_id, activity_id) DO NOTHING
      RETURNING user_id, activity_id
    )
    SELECT k.n, coalesce(k.existing_id, f.id) AS id, k.existing_id IS NULL AS created,
           ARRAY(SELECT d.user_id FROM delivered d WHERE d.activity_id = f.id ORDER BY d.user_id) AS recipients
      FROM known k LEFT JOIN fresh f ON f.n = k.n
     ORDER BY k.n`.execute(rows);
  return recorded.map((r) => ({ activityId: r.id, created: r.created, recipients: r.recipients }));
}

/** One activity (recordActivitiesIn for a single draft). */
export async function recordActivity(rows: Kysely<any>, draft: ActivityDraft, audience: readonly Recipient[], byUid: number): Promise<RecordedActivity> {
  return (await recordActivitiesIn(rows, [draft], [audience], byUid))[0]!;
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
  const activities = await inFeedHome(own, legacyPool, home, (rows) => recordActivitiesIn(rows, drafts, audiences, byUid));
  return { home, activities, recipients: [...new Set(activities.flatMap((a) => a.recipients))] };
}
