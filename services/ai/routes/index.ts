import type { RouteDefinition } from '../../kit/index.ts';
import type { AiDatabase } from '../db/tables.ts';
import { CONSULT_ROUTES } from './consult.ts';
import { CONTENT_ROUTES } from './content.ts';
import { INSIGHT_ROUTES } from './insights.ts';
import { MATCHING_ROUTES } from './matching.ts';
import { SCORING_ROUTES } from './scoring.ts';
import { TASK_ROUTES } from './tasks.ts';

/**
 * The ai service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const AI_ROUTES: RouteDefinition<AiDatabase>[] = [
  ...CONTENT_ROUTES,
  ...TASK_ROUTES,
  ...INSIGHT_ROUTES,
  ...CONSULT_ROUTES,
  ...MATCHING_ROUTES,
  ...SCORING_ROUTES,
];
