import { sql, type Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort, type RouteContext } from '../../kit/index.ts';
import { feedHome, inFeedHome } from '../db/feed-home.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { markEntriesSeen, type FeedEntryWriter } from '../domain/mark-seen.ts';
import { assertMayUseFeedOf } from './feed-access.ts';

/**
 * The domain's FeedEntryWriter on a REST request, over the home of M19's rows: the entries must
 * be the path user's and readable by the caller (404 otherwise, as for an id that does not
 * exist), then allowed by the caller's write rules (403), then one UPDATE stamps them as the
 * ORM's write does (write_uid, write_date). The caller's record rules come from the kit's
 * access port as SQL, so they apply on either side of the cut.
 */
function restEntryWriter(rows: Kysely<any>, access: AccessPort, ownerId: number): FeedEntryWriter {
  return {
    async write(ids, values) {
      const unique = [...new Set(ids)];
      const [readable, writable] = await Promise.all([access.rules('hp.user.feed', 'read', 'f'), access.rules('hp.user.feed', 'write', 'f')]);
      const { rows: found } = await sql<{ id: number; user_id: number; readable: boolean; writable: boolean }>`
        SELECT f.id, f.user_id, ${readable} AS readable, ${writable} AS writable FROM user_feeds f WHERE f.id = ANY(${unique}::int4[]) FOR UPDATE`.execute(rows);
      const byId = new Map(found.map((r) => [r.id, r]));
      const missing = unique.find((id) => byId.get(id)?.user_id !== ownerId || !byId.get(id)!.readable);
      if (missing !== undefined) throw problems.notFound(`feed entry ${missing} is not in the feed of user ${ownerId}`);
      const denied = unique.filter((id) => !byId.get(id)!.writable);
      if (denied.length) throw problems.forbidden(`the record rules of hp.user.feed do not let you change entries ${denied.join(', ')}`);
      await sql`UPDATE user_feeds SET seen = ${values.seen}, write_uid = ${access.uid}, write_date = (now() at time zone 'UTC')
        WHERE id = ANY(${unique}::int4[])`.execute(rows);
    },
  };
}

/**
 * Marks entries seen where M19's rows live now: svc_dynamic in the request's transaction once
 * dynamic owns M19, the monolith's table before (the owner row is held, so a cutover waits). In
 * svc_dynamic the UPDATE moves the user's feed epoch (a trigger), so no cached page of theirs
 * shows the old marker.
 */
async function markSeen(ctx: RouteContext<DynamicDatabase, unknown, unknown, { id: number }>, entryIds: readonly number[]) {
  await assertMayUseFeedOf(ctx, ctx.params.id, 'write');
  const home = await feedHome(ctx.db, ctx.legacyPool, { hold: true });
  await inFeedHome(ctx.db, ctx.legacyPool, home, (rows) => markEntriesSeen(restEntryWriter(rows, ctx.access!, ctx.params.id), entryIds));
  return { status: 200, body: { userId: ctx.params.id, entryIds: [...new Set(entryIds)], seen: true } };
}

/** POST /users/{id}/feed/seen: hp.user.feed.action_mark_seen on several entries (the same domain function Odoo RPC runs). */
export const markEntriesSeenRoute = defineRoute<DynamicDatabase, { entryIds: number[] }, unknown, { id: number }>({
  method: 'post',
  path: '/users/:id/feed/seen',
  summary: 'Mark feed entries seen (hp.user.feed.action_mark_seen): own feed; operators anyone\'s',
  auth: 'bearer',
  params: 'rest/dynamic/user-id-params.json',
  body: 'rest/dynamic/mark-seen.json',
  responses: { 200: 'rest/dynamic/marked-seen.json' },
  handler: (ctx) => markSeen(ctx, ctx.body.entryIds),
});

/** PUT /users/{id}/feed/{entryId}/seen: the same for one entry (idempotent). */
export const markEntrySeenRoute = defineRoute<DynamicDatabase, unknown, unknown, { id: number; entryId: number }>({
  method: 'put',
  path: '/users/:id/feed/:entryId/seen',
  summary: 'Mark one feed entry seen (hp.user.feed.action_mark_seen)',
  auth: 'bearer',
  params: 'rest/dynamic/entry-params.json',
  responses: { 200: 'rest/dynamic/marked-seen.json' },
  handler: (ctx) => markSeen(ctx, [ctx.params.entryId]),
});
