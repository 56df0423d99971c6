import type { RouteDefinition } from '../../kit/index.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { createActivity, getActivity } from './activities.ts';
import { getFeed } from './feed.ts';
import { markEntriesSeenRoute, markEntrySeenRoute } from './mark-seen.ts';
import { getPreferences, putPreferences } from './preferences.ts';
import { getTrending } from './trending.ts';

/** Dynamic's REST API, in the order the OpenAPI document lists it. */
export const DYNAMIC_ROUTES: RouteDefinition<DynamicDatabase>[] = [
  getFeed, markEntriesSeenRoute, markEntrySeenRoute, getTrending, createActivity, getActivity, getPreferences, putPreferences,
];

/** The platform design's paths outside /dynamic/ that dynamic answers (the catalogue refuses a path claimed twice). */
export const DYNAMIC_SHARED_PATHS = [...new Set(DYNAMIC_ROUTES.map((route) => route.path))];
