import { defineRoute } from '../../kit/index.ts';
import { feedHome, feedReader } from '../db/feed-home.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import type { FeedOrder } from '../domain/feed-cursor.ts';
import { readFeed } from '../domain/read-feed.ts';
import { assertMayUseFeedOf, cursorProblems } from './feed-access.ts';

/**
 * GET /users/{id}/feed: the user's personalised feed (their hp.user.feed entries: what the
 * fan-out on write gave them from their own activity, their coaches, clients and communities,
 * and the activities that concern them), each with its unseen marker, in pages with a stable
 * opaque cursor. Members read their own, operators anyone's; a feed always shows what its owner
 * may see (a private activity only in its actor's feed).
 */
export const getFeed = defineRoute<DynamicDatabase, unknown, { cursor?: string; limit: number; order: FeedOrder }, { id: number }>({
  method: 'get',
  path: '/users/:id/feed',
  summary: 'A user\'s feed, newest first (or most relevant first), with unseen markers and a cursor (own feed; operators anyone\'s)',
  auth: 'bearer',
  params: 'rest/dynamic/user-id-params.json',
  query: 'rest/dynamic/feed-query.json',
  responses: { 200: 'rest/dynamic/feed-page.json' },
  async handler(ctx) {
    const { db, params, query, legacyPool, cache } = ctx;
    await assertMayUseFeedOf(ctx, params.id, 'read');
    const home = await feedHome(db, legacyPool, { hold: false });
    const answer = await cursorProblems(readFeed({ own: db, rows: feedReader(db, legacyPool, home), home, cache }, {
      userId: params.id, order: query.order, limit: query.limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    }));
    return { status: 200, body: { userId: params.id, order: query.order, items: answer.items, nextCursor: answer.nextCursor } };
  },
});
