import { sql, type Kysely } from 'kysely';
import type { FeedPosition } from './feed-cursor.ts';
import type { FeedMemory, FeedList, ListedEntry } from './feed-memory.ts';
import { LIST_DEPTH } from './feed-memory.ts';
import { ACTIVITY_COLUMNS, activityView, type ActivityRow, type ActivityView, type FeedPage } from './feed-page.ts';
import { passesMutes, type FeedPreferences } from './preferences.ts';
import { isVisibleTo } from './visibility.ts';
import { isAfter } from './feed-memory.ts';

/**
 * The newest LIST_DEPTH entries of a user's feed, whatever their activity's visibility (a list is
 * filtered per read, as the page statement filters), with their activities. One statement over
 * user_feeds__user_recent_index.
 */
export async function loadFeedList(rows: Kysely<any>, userId: number): Promise<{ entries: ListedEntry[]; complete: boolean; activities: ActivityView[] }> {
  const { rows: found } = await sql<ActivityRow & { entry_id: number; activity_id: number; seen: boolean; score: number | null; position: string }>`
    SELECT f.id AS entry_id, f.activity_id, coalesce(f.seen, false) AS seen, f.score,
           coalesce(f.create_date, '-infinity'::timestamp)::text AS position, ${ACTIVITY_COLUMNS}
      FROM (SELECT * FROM user_feeds f WHERE f.user_id = ${userId}
             ORDER BY coalesce(f.create_date, '-infinity'::timestamp) DESC, f.id DESC LIMIT ${LIST_DEPTH + 1}) f
      LEFT JOIN activities a ON a.id = f.activity_id
     ORDER BY coalesce(f.create_date, '-infinity'::timestamp) DESC, f.id DESC`.execute(rows);
  const kept = found.slice(0, LIST_DEPTH);
  return {
    entries: kept.map((r) => ({ entryId: r.entry_id, activityId: r.activity_id, seen: r.seen, score: r.score, position: r.position })),
    complete: found.length <= LIST_DEPTH,
    // An entry whose activity is gone (no foreign key) has none: the page statement's join leaves it out, and so does a page from the list.
    activities: kept.filter((r) => r.id !== null).map(activityView),
  };
}

/** Activities by id (those a list needs and memory lost); the ones that no longer exist are absent. */
export async function loadActivities(rows: Kysely<any>, ids: readonly number[]): Promise<ActivityView[]> {
  if (!ids.length) return [];
  const { rows: found } = await sql<ActivityRow>`SELECT ${ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ANY(${[...ids]}::int4[])`.execute(rows);
  return found.map(activityView);
}

/**
 * loadFeedPage's `recent` page, from a list: the entries after `after` whose activity the owner may
 * see and did not mute, `limit` of them, and where the next page starts. Undefined when the list
 * cannot tell (it is cut and ran out before the page was full: the page statement must answer).
 */
export function pageFromList(list: Pick<FeedList, 'entries' | 'complete'>, activity: (id: number) => ActivityView | undefined, request: { userId: number; limit: number; after: FeedPosition | null; preferences: FeedPreferences }): FeedPage | undefined {
  const { userId, limit, after, preferences } = request;
  const picked: { entry: ListedEntry; view: ActivityView }[] = [];
  for (const entry of list.entries) {
    if (after && !isAfter(entry, after)) continue;
    const view = activity(entry.activityId);
    if (!view || !isVisibleTo(view, userId) || !passesMutes(preferences, view)) continue;
    picked.push({ entry, view });
    if (picked.length > limit) break;
  }
  if (picked.length <= limit && !list.complete) return undefined;
  const page = picked.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ entry, view }) => ({ entryId: entry.entryId, seen: entry.seen, score: entry.score, activity: view })),
    next: picked.length > limit && last ? { key: last.entry.position, id: last.entry.entryId } : null,
  };
}

/**
 * A `recent` page from the feed memory, loading the user's list (and activities memory lost) when
 * memory holds none under the epochs and generation the read found first. Undefined when memory
 * cannot answer (an epoch older than memory's, a page past a cut list): the caller loads the page.
 */
export async function pageFromMemory(memory: FeedMemory, rows: Kysely<any>, request: {
  userId: number; limit: number; after: FeedPosition | null; preferences: FeedPreferences;
  tags: { removalEpoch: bigint; userEpoch: bigint; generation: string };
}): Promise<FeedPage | undefined> {
  const { userId, tags } = request;
  memory.counts.lookups++;
  if (!memory.adopt(tags.removalEpoch)) {
    memory.counts.fallbacks++;
    return undefined;
  }
  let list: Pick<FeedList, 'entries' | 'complete'> | undefined = memory.list(userId, tags);
  const local = new Map<number, ActivityView>();
  let loadedAnything = false;
  if (!list) {
    const mark = memory.appendMark(userId);
    const loaded = await loadFeedList(rows, userId);
    memory.counts.listLoads++;
    loadedAnything = true;
    for (const view of loaded.activities) local.set(view.id, view);
    memory.rememberActivities(tags.removalEpoch, loaded.activities);
    memory.storeList(userId, { ...tags, entries: loaded.entries, complete: loaded.complete }, mark);
    list = loaded;
  } else {
    const missing = list.entries.filter((e) => !memory.activity(e.activityId)).map((e) => e.activityId);
    if (missing.length) {
      const views = await loadActivities(rows, missing);
      memory.counts.activityLoads += missing.length;
      loadedAnything = true;
      for (const view of views) local.set(view.id, view);
      memory.rememberActivities(tags.removalEpoch, views);
    }
  }
  const page = pageFromList(list, (id) => local.get(id) ?? memory.activity(id), request);
  if (!page) memory.counts.fallbacks++;
  else if (!loadedAnything) memory.counts.served++;
  return page;
}
