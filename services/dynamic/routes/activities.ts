import { sql } from 'kysely';
import { defineRoute, problems } from '../../kit/index.ts';
import { feedHome, feedReader } from '../db/feed-home.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { headline, type ActivityDraft } from '../domain/activity-draft.ts';
import { deliverToFeeds } from '../domain/feed-cache.ts';
import { ACTIVITY_COLUMNS, activityView, type ActivityRow } from '../domain/feed-page.ts';
import { recordActivities } from '../domain/record-activity.ts';
import type { Visibility } from '../domain/visibility.ts';

/** The token scope of the platform's services (issueToken(keys, { userId, scopes: ['service'] })). */
export const SERVICE_SCOPE = 'service';

interface ActivityCreate {
  actorId: number; verb: string; objectModel?: string; objectId?: number; summary: string; visibility?: Visibility; audienceIds?: number[]; toFollowers?: boolean;
}

/**
 * POST /activities: another service records an activity (a post, a live stream, ... once their
 * services exist and before they publish events for it). Service tokens only (scope `service`),
 * whose user also needs hp.activity's create right, as over RPC. The activity and its fan-out go
 * where M19's rows live now, like an event's; the answer is 201 with a Location that resolves.
 */
export const createActivity = defineRoute<DynamicDatabase, ActivityCreate>({
  method: 'post',
  path: '/activities',
  summary: 'Record an activity and deliver it to the feeds it concerns (service tokens only: scope "service")',
  auth: 'bearer',
  scopes: [SERVICE_SCOPE],
  body: 'rest/dynamic/activity-create.json',
  responses: { 201: 'rest/dynamic/activity.json' },
  async handler({ db, body, principal, access, legacyPool, cache, afterCommit }) {
    await access!.check('hp.activity', 'create');
    const visibility = body.visibility ?? 'public';
    const audience = body.audienceIds ?? [];
    if (visibility === 'private' && audience.some((id) => id !== body.actorId)) {
      throw problems.unprocessable('a private activity is shown to its actor only: it cannot have an audience');
    }
    const users = [...new Set([body.actorId, ...audience])];
    const { rows: known } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ANY(${users}::int4[])`.execute(db);
    const unknown = users.filter((id) => !known.some((k) => k.id === id));
    if (unknown.length) throw problems.unprocessable(`no user ${unknown.join(', ')}`);
    const draft: ActivityDraft = {
      actorId: body.actorId, verb: body.verb, objectModel: body.objectModel ?? null, objectId: body.objectId ?? null, summary: headline(body.summary),
      visibility, participants: audience, toFollowers: body.toFollowers ?? true, dedupe: false,
    };
    const recorded = await recordActivities(db, legacyPool, [draft], principal!.userId);
    afterCommit(() => deliverToFeeds(cache, recorded));
    const activityId = recorded.activities[0]!.activityId;
    const { rows } = await sql<ActivityRow>`SELECT ${ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ${activityId}`.execute(recorded.home === 'service' ? db : feedReader(db, legacyPool, recorded.home));
    return { status: 201, body: activityView(rows[0]!), headers: { location: `/activities/${activityId}` } };
  },
});

/** GET /activities/{id}: one activity, when the caller's hp.activity read rules include it (404 otherwise, as for an id that does not exist). */
export const getActivity = defineRoute<DynamicDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/activities/:id',
  summary: 'Read one activity (public ones and the caller\'s own; operators all)',
  auth: 'bearer',
  params: 'rest/dynamic/activity-id-params.json',
  responses: { 200: 'rest/dynamic/activity.json' },
  async handler({ db, params, access, legacyPool }) {
    await access!.check('hp.activity', 'read');
    const home = await feedHome(db, legacyPool, { hold: false });
    const rule = await access!.rules('hp.activity', 'read', 'a');
    const { rows } = await sql<ActivityRow>`SELECT ${ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ${params.id} AND ${rule}`.execute(feedReader(db, legacyPool, home));
    if (!rows[0]) throw problems.notFound(`activity ${params.id} does not exist`);
    return { status: 200, body: activityView(rows[0]) };
  },
});
