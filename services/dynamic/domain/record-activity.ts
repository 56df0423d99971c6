import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { feedHome, inFeedHome, type FeedHome } from '../db/feed-home.ts';
import type { ActivityDraft } from './activity-draft.ts';
import { audienceOf, type Recipient } from './audience.ts';
import type { ListedEntry } from './feed-memory.ts';
import { ACTIVITY_COLUMNS, activityView, type ActivityRow, type ActivityView } from './feed-page.ts';

/** Odoo's SUPERUSER_ID: the author the platform writes on its own behalf (create_uid of activities made from events). */
export const SYSTEM_UID = 1;

export interface RecordedActivity {
  activityId: number;
  /** False when the draft's fact was already recorded (dedupe). */
  created: boolean;
  /** The users whose feeds got a new entry. */
  recipients: number[];
  /** The activity as REST shows it, when it was created now. */
  view: ActivityView | null;
  /** The new feed entries, as a feed list keeps them (domain/feed-memory.ts), by recipient. */
  entries: DeliveredEntry[];
}

export interface DeliveredEntry extends ListedEntry {
  userId: number;
}

/** svc_dynamic's epochs as the recording statement read them (db/migrations.ts 0002). */
export interface RecordingEpochs {
  removalEpoch: bigint;
  /** Each recipient's feed epoch. */
  userEpochs: Map<number, bigint>;
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
  return (await recordWithEpochs(rows, drafts, audiences, byUid, false)).activities;
}

/**
 * recordActivitiesIn, and with `epochs` (in svc_dynamic only: the monolith has no epoch tables)
 * the epochs as that statement's snapshot saw them (at its start; it moves none), so that what it recorded can
 * be added to the feed memory under exactly those tags (feed-memory.ts).
 */
async function recordWithEpochs(rows: Kysely<any>, drafts: readonly ActivityDraft[], audiences: readonly (readonly Recipient[])[], byUid: number, epochs: boolean): Promise<{ activities: RecordedActivity[]; epochs: RecordingEpochs | null }> {
  if (!drafts.length) return { activities: [], epochs: null };
  const column = <T>(pick: (d: ActivityDraft) => T) => drafts.map(pick);
  const entries = audiences.flatMap((audience, index) => audience.map((r) => ({ n: index + 1, ...r })));
  type Delivery = { u: number; e: number; s: number | null; p: string; ue?: string };
  const { rows: recorded } = await sql<{ n: string; recorded_id: number; created: boolean; deliveries: Delivery[]; removal_epoch?: string } & Partial<ActivityRow>>`
    WITH draft AS (
      SELECT * FROM unnest(${column((d) => d.actorId)}::int4[], ${column((d) => d.verb)}::text[], ${column((d) => d.objectModel)}::text[],
                           ${column((d) => d.objectId)}::int4[], ${column((d) => d.summary)}::text[], ${column((d) => d.visibility)}::text[], ${column((d) => d.dedupe)}::bool[])
        WITH ORDINALITY AS d(actor_id, verb, object_model, object_id, summary, visibility, dedupe, n)
    ), known AS (
      -- A fact with an object is found by its object (svc_dynamic's activities__object_index: a
      -- row or two, where the actor's index visited every activity of the actor); one without, by its actor.
      SELECT d.n, coalesce(
               (SELECT a.id FROM activities a
                 WHERE d.dedupe AND d.object_id IS NOT NULL AND a.object_id = d.object_id
                   AND a.object_model IS NOT DISTINCT FROM d.object_model AND a.actor_id = d.actor_id AND a.verb = d.verb
                 ORDER BY a.id LIMIT 1),
               (SELECT a.id FROM activities a
                 WHERE d.dedupe AND d.object_id IS NULL AND a.actor_id = d.actor_id AND a.verb = d.verb
                   AND a.object_model IS NOT DISTINCT FROM d.object_model AND a.object_id IS NULL
                 ORDER BY a.id LIMIT 1)) AS existing_id
        FROM draft d
    ), fresh AS (
      SELECT d.*, nextval(pg_get_serial_sequence('activities', 'id'))::int4 AS id
        FROM draft d JOIN known k ON k.n = d.n WHERE k.existing_id IS NULL ORDER BY d.n
    ), inserted AS (
      INSERT INTO activities (id, actor_id, verb, object_model, object_id, summary, visibility, create_uid, write_uid, create_date, write_date)
      SELECT id, actor_id, verb, object_model, object_id, summary, visibility, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW} FROM fresh
      RETURNING id, actor_id, verb, object_model, object_id, summary, visibility, create_date
    ), delivered AS (
      INSERT INTO user_feeds (user_id, activity_id, score, seen, create_uid, write_uid, create_date, write_date)
      SELECT r.user_id, f.id, r.score, false, ${byUid}, ${byUid}, ${UTC_NOW}, ${UTC_NOW}
        FROM unnest(${entries.map((e) => e.n)}::int8[], ${entries.map((e) => e.userId)}::int4[], ${entries.map((e) => e.score)}::float8[]) AS r(n, user_id, score)
        JOIN fresh f ON f.n = r.n
      ON CONFLICT (user_id, activity_id) DO NOTHING
      RETURNING id, user_id, activity_id, score, coalesce(create_date, '-infinity'::timestamp)::text AS position
    )
    SELECT k.n, coalesce(k.existing_id, f.id) AS recorded_id, k.existing_id IS NULL AS created,
           coalesce((SELECT json_agg(json_build_object('u', d.user_id, 'e', d.id, 's', d.score, 'p', d.position
                                     ${epochs ? sql`, 'ue', (SELECT coalesce(max(ue.epoch), 0)::text FROM feed_user_epochs ue WHERE ue.user_id = d.user_id)` : sql``}) ORDER BY d.user_id)
                       FROM delivered d WHERE d.activity_id = f.id), '[]') AS deliveries,
           ${epochs ? sql`(SELECT epoch FROM feed_removal_epoch)::text AS removal_epoch,` : sql``}
           ${ACTIVITY_COLUMNS}
      FROM known k LEFT JOIN fresh f ON f.n = k.n LEFT JOIN inserted a ON a.id = f.id
     ORDER BY k.n`.execute(rows);
  const userEpochs = new Map<number, bigint>();
  const activities = recorded.map((r): RecordedActivity => {
    const entries = r.deliveries.map((d): DeliveredEntry => {
      if (d.ue !== undefined) userEpochs.set(d.u, BigInt(d.ue));
      return { userId: d.u, entryId: d.e, activityId: r.recorded_id, seen: false, score: d.s, position: d.p };
    });
    return { activityId: r.recorded_id, created: r.created, recipients: entries.map((e) => e.userId), view: r.created ? activityView(r as ActivityRow) : null, entries };
  });
  const removal = recorded[0]?.removal_epoch;
  return { activities, epochs: epochs && removal !== undefined ? { removalEpoch: BigInt(removal), userEpochs } : null };
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
  /** The epochs the recording read (home 'service' only), for the feed memory. */
  epochs: RecordingEpochs | null;
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
  const recorded = await inFeedHome(own, legacyPool, home, (rows) => recordWithEpochs(rows, drafts, audiences, byUid, home === 'service'));
  return { home, activities: recorded.activities, recipients: [...new Set(recorded.activities.flatMap((a) => a.recipients))], epochs: recorded.epochs };
}
