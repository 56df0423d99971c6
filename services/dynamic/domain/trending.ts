import { sql, type Kysely } from 'kysely';
import type { Cache } from '../../kit/index.ts';
import type { FeedHome } from '../db/feed-home.ts';
import { cachedUnder, TRENDING_TTL_MS, trendingKey } from './feed-cache.ts';
import { readFeedState } from './feed-state.ts';
import { ACTIVITY_COLUMNS, activityView, type ActivityRow, type ActivityView } from './feed-page.ts';
import { passesMutes } from './preferences.ts';

/**
 * Trending: the public activities of the last `windowHours`, by time-decayed popularity
 *
 *     score(a) = (1 + reach(a) + 2·views(a) + 3·echoes(a)) · 2^(−age(a) / H),   H = 24 h
 *
 * reach(a): feeds that got it (hp.user.feed entries); views(a): those marked seen; echoes(a):
 * the other public activities of the window about the same object (a post liked, an answer
 * given: object_model, object_id); age(a): hours since it was created. An activity loses half
 * its weight every H hours, so a fresh one with a little attention beats an old one with much.
 * Only `public` activities count or show: not `private` ones (their actor's only) and not
 * `followers` ones either (the monolith shows those to every member, but trending is an
 * audience beyond anyone's followers). Ties: newest id first.
 */
export const TRENDING_HALF_LIFE_HOURS = 24;
export const TRENDING_WEIGHTS = { base: 1, reach: 1, views: 2, echoes: 3 } as const;
/** How many the list holds before a viewer's mutes are applied (the largest `limit`). */
export const TRENDING_DEPTH = 100;

export interface TrendingItem {
  score: number;
  reach: number;
  views: number;
  echoes: number;
  activity: ActivityView;
}

export interface TrendingList {
  windowHours: number;
  halfLifeHours: number;
  computedAt: string;
  items: TrendingItem[];
}

/** The formula above as one statement over `rows` (the home of M19's rows). */
export async function computeTrending(rows: Kysely<any>, windowHours: number): Promise<TrendingList> {
  const w = TRENDING_WEIGHTS;
  const { rows: found } = await sql<ActivityRow & { score: number; reach: number; views: number; echoes: number; computed_at: string }>`
    WITH recent AS (
      SELECT a.id, a.object_model, a.object_id, a.create_date
        FROM activities a
       WHERE a.visibility = 'public' AND a.create_date >= (now() at time zone 'UTC') - make_interval(hours => ${windowHours})
    ), echoes AS (
      SELECT object_model, object_id, count(*) - 1 AS echoes FROM recent
       WHERE object_model IS NOT NULL AND object_id IS NOT NULL GROUP BY object_model, object_id
    ), reach AS (
      SELECT f.activity_id, count(*) AS reach, count(*) FILTER (WHERE f.seen) AS views
        FROM user_feeds f WHERE f.activity_id IN (SELECT id FROM recent) GROUP BY f.activity_id
    ), scored AS (
      SELECT r.id, coalesce(p.reach, 0)::int AS reach, coalesce(p.views, 0)::int AS views, coalesce(e.echoes, 0)::int AS echoes,
             (${w.base} + ${w.reach} * coalesce(p.reach, 0) + ${w.views} * coalesce(p.views, 0) + ${w.echoes} * coalesce(e.echoes, 0))::float8
               * power(2::float8, -extract(epoch FROM (now() at time zone 'UTC') - r.create_date)::float8 / 3600 / ${TRENDING_HALF_LIFE_HOURS}) AS score
        FROM recent r
        LEFT JOIN reach p ON p.activity_id = r.id
        LEFT JOIN echoes e ON e.object_model = r.object_model AND e.object_id = r.object_id
    )
    SELECT s.score, s.reach, s.views, s.echoes, ${ACTIVITY_COLUMNS},
           to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS computed_at
      FROM scored s JOIN activities a ON a.id = s.id
     ORDER BY s.score DESC, s.id DESC
     LIMIT ${TRENDING_DEPTH}`.execute(rows);
  const computedAt = found[0]?.computed_at ?? new Date().toISOString();
  return {
    windowHours,
    halfLifeHours: TRENDING_HALF_LIFE_HOURS,
    computedAt,
    items: found.map((r) => ({ score: r.score, reach: r.reach, views: r.views, echoes: r.echoes, activity: activityView(r) })),
  };
}

export interface TrendingSources {
  own: Kysely<any>;
  rows: Kysely<any>;
  home: FeedHome;
  cache: Cache;
}

/**
 * GET /trending for one viewer: the list for the window (cached for TRENDING_TTL_MS while the
 * removal epoch holds, when dynamic owns M19; computed on every request from the monolith
 * otherwise), less what the viewer muted, cut to `limit`.
 */
export async function readTrending(sources: TrendingSources, request: { viewerId: number; windowHours: number; limit: number }): Promise<TrendingList> {
  const { own, rows, home, cache } = sources;
  const state = await readFeedState(own, request.viewerId);
  const list = home === 'service'
    ? await cachedUnder(cache, trendingKey(request.windowHours), { removalEpoch: state.removalEpoch }, TRENDING_TTL_MS, () => computeTrending(rows, request.windowHours))
    : await computeTrending(rows, request.windowHours);
  return { ...list, items: list.items.filter((item) => passesMutes(state.preferences, item.activity)).slice(0, request.limit) };
}
