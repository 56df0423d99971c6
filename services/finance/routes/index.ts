import type { RouteDefinition } from '../../kit/index.ts';
import type { FinanceDatabase } from '../db/tables.ts';

/** Finance's REST API, in the order the OpenAPI document lists it. */
export const FINANCE_ROUTES: RouteDefinition<FinanceDatabase>[] = [];

/** The platform design's paths outside /finance/ that finance answers (the catalogue refuses a path claimed twice). */
export const FINANCE_SHARED_PATHS = [...new Set(FINANCE_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/finance/')))];
