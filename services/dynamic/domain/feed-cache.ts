import { randomUUID } from 'node:crypto';
import type { Cache } from '../../kit/index.ts';
import { feedMemoryFor } from './feed-memory.ts';
import type { RecordedActivities } from './record-activity.ts';

/**
 * The feed's cache entries and when one may be served. An entry is tagged with what it was
 * loaded under, read BEFORE the load: svc_dynamic's epochs (domain/feed-state.ts) and, for a
 * feed page, the user's feed generation. It is served only while all of them are unchanged, so
 *
 * - an activity that became private, changed or went, and an entry that changed (seen) or went,
 *   moves an epoch in the same transaction as the change, whoever made it (REST, an event, Odoo
 *   RPC through the engine, the forward sync, the legacy-command processor): the next read after
 *   that commit sees another epoch and loads afresh. Nothing cached is ever served past a
 *   removal, not even for a millisecond, and the stale entry is overwritten by that load;
 * - a new entry (the fan-out of an activity) moves the recipients' generation once its
 *   transaction committed (touchFeeds, from the event handler or the route), so it shows on the
 *   next read too; a generation lost with its cache key can only delay a new entry by the TTL.
 *
 * Only svc_dynamic has the triggers: while the monolith owns M19 the feed is read from it on every
 * request, uncached (domain/read-feed.ts).
 */
export const FEED_PAGE_TTL_MS = 30_000;
export const TRENDING_TTL_MS = 10_000;
/** Longer than any page lives, so a page can never outlive the generation it was tagged with. */
const GENERATION_TTL_MS = 10 * FEED_PAGE_TTL_MS;

export interface EpochTags {
  removalEpoch: string;
  userEpoch?: string;
  generation?: string;
}

export interface Tagged<T> {
  tags: EpochTags;
  value: T;
}

export const feedPageKey = (userId: number, order: string, limit: number, preferencesVersion: number, cursor: string | undefined) =>
  `feed:page:${userId}:${order}:${limit}:${preferencesVersion}:${cursor ?? 'head'}`;
export const feedGenerationKey = (userId: number) => `feed:generation:${userId}`;
export const trendingKey = (windowHours: number) => `trending:${windowHours}`;

export function sameTags(a: EpochTags, b: EpochTags): boolean {
  return a.removalEpoch === b.removalEpoch && a.userEpoch === b.userEpoch && a.generation === b.generation;
}

/** The user's feed generation now ('none' when no write has touched their feed lately). */
export async function feedGeneration(cache: Cache, userId: number): Promise<string> {
  return (await cache.get<string>(feedGenerationKey(userId))) ?? 'none';
}

/** After a commit that added entries to these users' feeds: their cached pages are stale. */
export async function touchFeeds(cache: Cache, userIds: Iterable<number>): Promise<void> {
  await Promise.all([...new Set(userIds)].map((userId) => cache.set(feedGenerationKey(userId), randomUUID(), GENERATION_TTL_MS)));
}

/**
 * After the commit of recorded activities: each recipient's feed gets a new generation (their
 * cached pages, and the lists of other processes sharing the cache, are stale), and in svc_dynamic
 * this process's feed memory gets the new entries and activities instead of losing the lists
 * (domain/feed-memory.ts), under the epochs the recording read.
 */
export async function deliverToFeeds(cache: Cache, recorded: RecordedActivities): Promise<void> {
  const epochs = recorded.home === 'service' ? recorded.epochs : null;
  const memory = epochs ? feedMemoryFor(cache) : undefined;
  if (memory && epochs) memory.rememberActivities(epochs.removalEpoch, recorded.activities.flatMap((a) => (a.view ? [a.view] : [])));
  const byUser = new Map<number, RecordedActivities['activities'][number]['entries']>();
  for (const activity of recorded.activities) {
    for (const entry of activity.entries) byUser.set(entry.userId, [...(byUser.get(entry.userId) ?? []), entry]);
  }
  await Promise.all([...byUser].map(async ([userId, entries]) => {
    const generation = randomUUID();
    const userEpoch = epochs?.userEpochs.get(userId);
    if (memory && userEpoch !== undefined) memory.append(userId, entries, generation, userEpoch);
    await cache.set(feedGenerationKey(userId), generation, GENERATION_TTL_MS);
  }));
}

/**
 * `load()`'s value, or the cached one when it was loaded under `tags` (read by the caller
 * before calling). A stale entry is replaced by the fresh load.
 */
export async function cachedUnder<T>(cache: Cache, key: string, tags: EpochTags, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const cached = await cache.get<Tagged<T>>(key);
  if (cached && sameTags(cached.tags, tags)) return cached.value;
  const value = await load();
  await cache.set(key, { tags, value } satisfies Tagged<T>, ttlMs);
  return value;
}
