import type { RouteDefinition } from '../../kit/index.ts';
import type { UserDatabase } from '../db/tables.ts';
import { DEVICE_ROUTES } from './device-routes.ts';
import { FHIR_ROUTES } from './fhir.ts';
import { HEALTH_ACTION_ROUTES } from './health-actions.ts';
import { HEALTH_DATA_ROUTES } from './health-data.ts';
import { HEALTH_GOAL_ROUTES } from './health-goals.ts';

/**
 * The user service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const USER_ROUTES: RouteDefinition<UserDatabase>[] = [
  ...HEALTH_DATA_ROUTES,
  ...HEALTH_ACTION_ROUTES,
  ...HEALTH_GOAL_ROUTES,
  ...DEVICE_ROUTES,
  ...FHIR_ROUTES,
];

/** The platform design's paths outside /user/ that the user service answers (/users/{id}/…, /fhir/…); the catalogue refuses a path claimed twice. */
export const USER_SHARED_PATHS = [...new Set(USER_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/user/')))];
