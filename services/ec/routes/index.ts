import type { RouteDefinition } from '../../kit/index.ts';
import type { EcDatabase } from '../db/tables.ts';
import { AD_CAMPAIGN_ROUTES } from './ad-campaigns.ts';
import { IMPRESSION_ROUTES } from './impressions.ts';
import { ORDER_ROUTES } from './orders.ts';
import { PRODUCT_ROUTES } from './products.ts';

/**
 * The ec service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const EC_ROUTES: RouteDefinition<EcDatabase>[] = [
  ...PRODUCT_ROUTES,
  ...ORDER_ROUTES,
  ...AD_CAMPAIGN_ROUTES,
  ...IMPRESSION_ROUTES,
];

/** The platform design's paths outside /ec/ that ec answers (/products, /orders, …); the catalogue refuses a path claimed twice. */
export const EC_SHARED_PATHS = [...new Set(EC_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/ec/')))];
