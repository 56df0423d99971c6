import type { Kysely } from 'kysely';
import type { Cache } from '../../kit/index.ts';
import type { FeedHome } from '../db/feed-home.ts';
import { cachedUnder, FEED_PAGE_TTL_MS, feedGeneration, feedPageKey } from './feed-cache.ts';
import { decodeCursor, encodeCursor, type FeedOrder } from './feed-cursor.ts';
import { loadFeedPage, type FeedItem } from './feed-page.ts';
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
 * GET /users/{id}/feed: one page of the user's feed. From svc_dynamic (dynamic owns M19) it
 * is served from the cache while the epochs and the generation it was loaded under hold
 * (domain/feed-cache.ts), so a removal is never served stale; from the monolith (M19 still
 * legacy) it is read on every request: only the monolith knows when Odoo changed its rows.
 */
export async function readFeed(sources: FeedSources, request: FeedRequest): Promise<FeedAnswer> {
  const { own, rows, home, cache } = sources;
  const { userId, order, limit, cursor } = request;
  // Tags first, then the load: a change committed in between is caught by the next read.
  const [state, generation] = await Promise.all([readFeedState(own, userId), home === 'service' ? feedGeneration(cache, userId) : undefined]);
  const { preferences } = state;
  const after = cursor === undefined ? null : decodeCursor(cursor, userId, order, preferences.version);
  const load = async (): Promise<FeedAnswer> => {
    const page = await loadFeedPage(rows, { userId, order, limit, after, preferences });
    return { items: page.items, nextCursor: page.next ? encodeCursor(userId, order, page.next, preferences.version) : null };
  };
  if (home !== 'service') return load();
  const key = feedPageKey(userId, order, limit, preferences.version, cursor);
  return cachedUnder(cache, key, { removalEpoch: state.removalEpoch, userEpoch: state.userEpoch, generation: generation! }, FEED_PAGE_TTL_MS, load);
}
