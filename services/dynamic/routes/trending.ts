import { defineRoute } from '../../kit/index.ts';
import { feedHome, feedReader } from '../db/feed-home.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { readTrending } from '../domain/trending.ts';

/** GET /trending: public activities by time-decayed popularity (the formula: domain/trending.ts), less what the caller muted. */
export const getTrending = defineRoute<DynamicDatabase, unknown, { windowHours: number; limit: number }>({
  method: 'get',
  path: '/trending',
  summary: 'Trending public activities: (1 + reach + 2·views + 3·echoes) · 2^(−age_hours/24) over a window',
  auth: 'bearer',
  query: 'rest/dynamic/trending-query.json',
  responses: { 200: 'rest/dynamic/trending.json' },
  async handler({ db, query, principal, access, legacyPool, cache }) {
    await access!.check('hp.activity', 'read');
    const home = await feedHome(db, legacyPool, { hold: false });
    const list = await readTrending({ own: db, rows: feedReader(db, legacyPool, home), home, cache }, { viewerId: principal!.userId, windowHours: query.windowHours, limit: query.limit });
    return { status: 200, body: list };
  },
});
