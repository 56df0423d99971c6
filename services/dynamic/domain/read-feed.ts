import type { Kysely } from 'kysely';
import type { Cache } from '../../kit/index.ts';
import type { FeedHome } from '../db/feed-home.ts';
import { cachedUnder, FEED_PAGE_TTL_MS, feedGeneration, feedPageKey } from './feed-cache.ts';
import { decodeCursor, encodeCursor, type FeedOrder } from './feed-cursor.ts';
import { pageFromMemory } from './feed-list.ts';
import { feedMemoryFor } from './feed-memory.ts';
import { loadFeedPage, type FeedItem, type FeedPage } from './feed-page.ts';
import { readFeedState } from './feed-state.ts';

export interface FeedRequest {
  userId: number;
  order: FeedOrder;
  limit: number;
  cursor?: string;
}

export interface FeedAnswer {
  items: FeedItem[];
  nextCursor: string | null;
}

export interface FeedSources {
  /** svc_dynamic: epochs and preferences. */
  own: Kysely<any>;
  /** Where M19's rows are read (db/feed-home.ts feedReader). */
  rows: Kysely<any>;
  home: FeedHome;
  cache: Cache;
}

/**
 * GET /users/{id}/feed: one page of the user's feed. From svc_dynamic (dynamic owns M19) a
 * `recent` page comes from the feed memory (domain/feed-memory.ts: the user's newest entries and
 * the activities they show, kept under the epochs and generation they were loaded under), any
 * other page from the cache under the same tags (domain/feed-cache.ts), so a removal is never
 * served stale; from the monolith (M19 still legacy) it is read on every request: only the
 * monolith knows when Odoo changed its rows.
 */
export async function readFeed(sources: FeedSources, request: FeedRequest): Promise<FeedAnswer> {
  const { own, rows, home, cache } = sources;
  const { userId, order, limit, cursor } = request;
  // Tags first, then the load: a change committed in between is caught by the next read.
  const [state, generation] = await Promise.all([readFeedState(own, userId), home === 'service' ? feedGeneration(cache, userId) : undefined]);
  const { preferences } = state;
  const after = cursor === undefined ? null : decodeCursor(cursor, userId, order, preferences.version);
  const answer = (page: FeedPage): FeedAnswer => ({ items: page.items, nextCursor: page.next ? encodeCursor(userId, order, page.next, preferences.version) : null });
  const load = async (): Promise<FeedAnswer> => answer(await loadFeedPage(rows, { userId, order, limit, after, preferences }));
  if (home !== 'service') return load();
  const memory = order === 'recent' ? feedMemoryFor(cache) : undefined;
  if (memory) {
    const tags = { removalEpoch: BigInt(state.removalEpoch), userEpoch: BigInt(state.userEpoch), generation: generation! };
    const page = await pageFromMemory(memory, rows, { userId, limit, after, preferences, tags });
    if (page) return answer(page);
  }
  const key = feedPageKey(userId, order, limit, preferences.version, cursor);
  return cachedUnder(cache, key, { removalEpoch: state.removalEpoch, userEpoch: state.userEpoch, generation: generation! }, FEED_PAGE_TTL_MS, load);
}
