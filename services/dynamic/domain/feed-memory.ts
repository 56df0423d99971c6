import type { Cache } from '../../kit/index.ts';
import type { FeedPosition } from './feed-cursor.ts';
import type { ActivityView } from './feed-page.ts';

/**
 * The feed's read model in this process's memory, for the first pages of `recent` feeds, the
 * reads that make up nearly all the traffic. At 500 events/s every feed of the bench gets a new
 * entry many times a second, so a cached page (the whole answer) is stale before anyone reads it
 * again (bench/feed.ts measured a page hit ratio of 0.08). What does not go stale is kept instead,
 * in two parts:
 *
 * - activities by id, shared by every feed that shows them: an activity is immutable but for
 *   changes that move the removal epoch (its visibility, content, deletion); the whole map is
 *   tagged with that epoch and dropped the moment a read learns of a newer one;
 * - per user, the newest entries of their feed (id, activity, seen, score, position), tagged with
 *   the user's epoch (an entry changed or deleted: mark seen, a reconcile repair) and the removal
 *   epoch, and with their feed generation (domain/feed-cache.ts). A new entry recorded in this
 *   process is added to the list after its commit (with a new generation, so other processes
 *   sharing the cache reload theirs) instead of throwing the list away.
 *
 * A read is served from here only when the epochs it read before (domain/feed-state.ts: one
 * statement shared by the reads of the same turn, never one sent before the read began) equal the
 * tags: whatever removal committed before the read, it sees. Everything the read shows is then
 * filtered as the page statement filters (visibility for the feed's owner, mutes), so the answer
 * equals loadFeedPage's on the same rows. Entries added by other writers (another process, the
 * legacy-command processor) show within LIST_TTL_MS, as cached pages did.
 */
export const LIST_DEPTH = 100;
export const LIST_TTL_MS = 30_000;
const MAX_LISTS = 20_000;
const MAX_ACTIVITIES = 100_000;

export interface ListedEntry {
  entryId: number;
  activityId: number;
  seen: boolean;
  score: number | null;
  /** coalesce(create_date, '-infinity')::text, as loadFeedPage's `recent` position key. */
  position: string;
}

export interface FeedList {
  removalEpoch: bigint;
  userEpoch: bigint;
  generation: string;
  /** Newest first: position, then entry id, descending. */
  entries: ListedEntry[];
  /** Whether `entries` is the whole feed (false once cut to LIST_DEPTH). */
  complete: boolean;
  expiresAt: number;
}

export interface FeedMemoryCounts {
  /** Reads that looked here. */
  lookups: number;
  /** Of those, answered from memory without loading anything. */
  served: number;
  /** Lists loaded from the database. */
  listLoads: number;
  /** Activities loaded by id (a list's missing ones). */
  activityLoads: number;
  /** Reads sent to the page statement (a later page the list does not reach, heavy mutes, epochs older than memory's). */
  fallbacks: number;
}

/** Newest first: -1 when entry `a` comes before `b`. Positions compare as text (ISO digits, shorter fraction = fewer digits, '-infinity' lowest). */
export function compareNewestFirst(a: { position: string; entryId: number }, b: { position: string; entryId: number }): number {
  if (a.position !== b.position) return comparePositions(b.position, a.position);
  return b.entryId - a.entryId;
}

function comparePositions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '-infinity') return -1;
  if (b === '-infinity') return 1;
  return a < b ? -1 : 1;
}

/** Whether `entry` comes after the cursor `after` in a newest-first feed (the page statement's `(position, id) < (key, id)`). */
export function isAfter(entry: ListedEntry, after: FeedPosition): boolean {
  const byPosition = comparePositions(entry.position, after.key);
  return byPosition < 0 || (byPosition === 0 && entry.entryId < after.id);
}

/** Where a user's appends stood when a load began (appendMark). */
export interface AppendMark {
  clears: number;
  serial: number;
}

interface Append {
  serial: number;
  entries: readonly ListedEntry[];
  generation: string;
  userEpoch: bigint;
}

/**
 * How many of a user's latest appends are kept for loads in flight to catch up with (a load takes
 * milliseconds; one that missed more stores nothing). Bounded with the users tracked: at most
 * MAX_APPENDING users × RECENT_APPENDS appends of a few entries each, some tens of MB at worst.
 */
const RECENT_APPENDS = 16;
const MAX_APPENDING = MAX_LISTS * 2;
/** How many generations a list remembers having taken in (its own appends since its load). */
const ABSORBED_GENERATIONS = 64;

interface StoredList extends FeedList {
  /** The generations whose entries the list holds: the one it was loaded under and each append's since. */
  absorbed: string[];
}

export class FeedMemory {
  readonly counts: FeedMemoryCounts = { lookups: 0, served: 0, listLoads: 0, activityLoads: 0, fallbacks: 0 };
  private activitiesEpoch = -1n;
  private readonly activities = new Map<number, ActivityView>();
  private readonly lists = new Map<number, StoredList>();
  /** Per user: appends so far (serial) and the latest of them, for loads that began before them. */
  private readonly appends = new Map<number, { serial: number; recent: Append[] }>();
  private appendClears = 0;

  /**
   * Makes memory current for `removalEpoch` (read by the caller before anything it will load):
   * true when memory may be used, false when the caller's epoch is older than memory's (it
   * must not store what it loads under it).
   */
  adopt(removalEpoch: bigint): boolean {
    if (removalEpoch > this.activitiesEpoch) {
      this.activitiesEpoch = removalEpoch;
      this.activities.clear();
      this.lists.clear();
    }
    return removalEpoch === this.activitiesEpoch;
  }

  activity(id: number): ActivityView | undefined {
    return this.activities.get(id);
  }

  /** Remembers activity views read under `removalEpoch` (dropped when memory has moved past it). */
  rememberActivities(removalEpoch: bigint, views: Iterable<ActivityView>): void {
    if (removalEpoch !== this.activitiesEpoch) return;
    for (const view of views) this.activities.set(view.id, view);
    if (this.activities.size > MAX_ACTIVITIES) {
      for (const id of this.activities.keys()) {
        this.activities.delete(id);
        if (this.activities.size <= MAX_ACTIVITIES * 0.9) break;
      }
    }
  }

  /**
   * The user's list when it was loaded under exactly these epochs and holds the entries of
   * generation `tags.generation` (the one the read found first: the list's own, or one this
   * process published since with the entries it added), and has not expired.
   */
  list(userId: number, tags: { removalEpoch: bigint; userEpoch: bigint; generation: string }, now = Date.now()): FeedList | undefined {
    const list = this.lists.get(userId);
    if (!list) return undefined;
    if (list.expiresAt <= now) {
      this.lists.delete(userId);
      return undefined;
    }
    return list.removalEpoch === tags.removalEpoch && list.userEpoch === tags.userEpoch && list.absorbed.includes(tags.generation) ? list : undefined;
  }

  /** Where the user's appends stand: taken before a load, so that storeList adds what was appended meanwhile. */
  appendMark(userId: number): AppendMark {
    return { clears: this.appendClears, serial: this.appends.get(userId)?.serial ?? 0 };
  }

  /**
   * Keeps a list loaded under `list`'s tags, with whatever was appended to the feed since the load
   * began (`mark`): those entries committed after the load's snapshot or are in it already (an
   * entry is appended only after its commit, and the mark was taken before the load). Nothing is
   * kept when those appends are no longer all known, were recorded under another user epoch, or
   * memory moved to another removal epoch, or holds a list under a newer user epoch.
   */
  storeList(userId: number, list: Omit<FeedList, 'expiresAt'>, mark: AppendMark, now = Date.now()): void {
    if (list.removalEpoch !== this.activitiesEpoch || mark.clears !== this.appendClears) return;
    const current = this.lists.get(userId);
    if (current && current.userEpoch > list.userEpoch) return;
    const user = this.appends.get(userId);
    const since = user ? user.recent.filter((a) => a.serial > mark.serial) : [];
    if (user && user.serial - mark.serial !== since.length) return; // some were forgotten
    if (since.some((a) => a.userEpoch !== list.userEpoch)) return;
    const stored: StoredList = { ...list, entries: [...list.entries], absorbed: [list.generation], expiresAt: now + LIST_TTL_MS };
    for (const append of since) absorb(stored, append);
    this.lists.delete(userId);
    this.lists.set(userId, stored);
    if (this.lists.size > MAX_LISTS) this.lists.delete(this.lists.keys().next().value!);
  }

  /**
   * After the commit that delivered `entries` to `userId`'s feed: added to their list, which now
   * also holds generation `generation` (the one just published for their feed). `userEpoch` is the
   * user's feed epoch the recording statement read: a list under another epoch saw a change of
   * the user's entries the recording did not (an entry deleted since), so it is dropped rather
   * than given entries that may be gone.
   */
  append(userId: number, entries: readonly ListedEntry[], generation: string, userEpoch: bigint): void {
    let user = this.appends.get(userId);
    if (!user) {
      if (this.appends.size >= MAX_APPENDING) {
        // Marks of loads in flight tell a cleared count apart by the clear count.
        this.appends.clear();
        this.appendClears++;
      }
      user = { serial: 0, recent: [] };
      this.appends.set(userId, user);
    }
    const append: Append = { serial: ++user.serial, entries, generation, userEpoch };
    user.recent.push(append);
    if (user.recent.length > RECENT_APPENDS) user.recent.shift();
    const list = this.lists.get(userId);
    if (!list) return;
    if (list.userEpoch !== userEpoch) {
      this.lists.delete(userId);
      return;
    }
    absorb(list, append);
  }

  /** What a test may look at: every list and activity a read could be served from now. */
  snapshot(): { removalEpoch: bigint; lists: Map<number, FeedList & { absorbed: readonly string[] }>; activities: Map<number, ActivityView> } {
    return { removalEpoch: this.activitiesEpoch, lists: new Map(this.lists), activities: new Map(this.activities) };
  }
}

/** Adds an append's entries to a list in order (they are nearly always the newest: a short scan from the head), once each. */
function absorb(list: StoredList, append: Append): void {
  for (const entry of append.entries) {
    let at = 0;
    while (at < list.entries.length && compareNewestFirst(list.entries[at]!, entry) < 0) at++;
    if (list.entries[at]?.entryId === entry.entryId) continue;
    list.entries.splice(at, 0, entry);
  }
  if (list.entries.length > LIST_DEPTH) {
    list.entries.length = LIST_DEPTH;
    list.complete = false;
  }
  list.absorbed.push(append.generation);
  if (list.absorbed.length > ABSORBED_GENERATIONS) list.absorbed.shift();
}

const memories = new WeakMap<Cache, FeedMemory>();
const without = new WeakSet<Cache>();

/** The feed memory beside a service's cache (one per cache, so per service runtime); none for a cache marked withoutFeedMemory. */
export function feedMemoryFor(cache: Cache): FeedMemory | undefined {
  if (without.has(cache)) return undefined;
  let memory = memories.get(cache);
  if (!memory) {
    memory = new FeedMemory();
    memories.set(cache, memory);
  }
  return memory;
}

/** A baseline's cache (bench/feed.ts, cache off): no feed memory beside it, every read loads its page. */
export function withoutFeedMemory<C extends Cache>(cache: C): C {
  without.add(cache);
  return cache;
}
