import type { RouteDefinition } from '../../kit/index.ts';
import type { OpsDatabase } from '../db/tables.ts';

/**
 * The ops service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const OPS_ROUTES: RouteDefinition<OpsDatabase>[] = [
];

/** The platform design's paths outside /ops/ that ops answers (/risk/…, /analytics/…); the catalogue refuses a path claimed twice. */
export const OPS_SHARED_PATHS = [...new Set(OPS_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/ops/')))];
