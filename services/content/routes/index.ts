import type { RouteDefinition } from '../../kit/index.ts';
import type { ContentDatabase } from '../db/tables.ts';
import { COMMUNITY_ROUTES } from './communities.ts';
import { CONTENT_ROUTES_M06 } from './contents.ts';
import { QNA_ROUTES } from './qna.ts';
import { SEARCH_ROUTES } from './search.ts';

/**
 * The content service's REST API, in the order the OpenAPI document lists it. Each part exports
 * an array of routes from its own file (routes/contents.ts, communities.ts, qna.ts, search.ts)
 * and adds one import and one spread here. Express matches in this order: fixed paths come
 * before the `:id` ones beside them.
 */
export const CONTENT_ROUTES: RouteDefinition<ContentDatabase>[] = [
  ...CONTENT_ROUTES_M06,
  ...COMMUNITY_ROUTES,
  ...QNA_ROUTES,
  ...SEARCH_ROUTES,
];

/** The platform design's paths outside /content/ that content answers (/contents, /communities, /qna, /search); the catalogue refuses a path claimed twice. */
export const CONTENT_SHARED_PATHS = [...new Set(CONTENT_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/content/')))];
