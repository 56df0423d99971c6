import type { RouteDefinition } from '../../kit/index.ts';
import type { BizDatabase } from '../db/tables.ts';
import { COMMUNITY_GROUP_ROUTES } from './communities-groups.ts';
import { COMMUNITY_MEMBER_ROUTES } from './communities-members.ts';
import { DASHBOARD_ROUTES } from './dashboard.ts';
import { LIVE_CALLBACK_ROUTES } from './live-callbacks.ts';
import { LIVE_STREAM_ROUTES } from './live-streams.ts';
import { PERFORMANCE_ROUTES } from './performance.ts';

/**
 * The biz service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const BIZ_ROUTES: RouteDefinition<BizDatabase>[] = [
  ...LIVE_CALLBACK_ROUTES,
  ...LIVE_STREAM_ROUTES,
  ...COMMUNITY_GROUP_ROUTES,
  ...COMMUNITY_MEMBER_ROUTES,
  ...DASHBOARD_ROUTES,
  ...PERFORMANCE_ROUTES,
];

/** The platform design's paths outside /biz/ that biz answers (/live-streams, /communities/…); the catalogue refuses a path claimed twice. */
export const BIZ_SHARED_PATHS = [...new Set(BIZ_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/biz/')))];
