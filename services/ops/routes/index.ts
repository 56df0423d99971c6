import type { RouteDefinition } from '../../kit/index.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { ANALYTICS_ROUTES } from './analytics.ts';
import { AUDIT_LOG_ROUTES } from './audit-logs.ts';
import { CERTIFICATION_ROUTES } from './certifications.ts';
import { NOTIFICATION_ROUTES } from './notifications.ts';
import { OPERATION_ROUTES } from './operations.ts';
import { RATING_ROUTES } from './ratings.ts';
import { RISK_ALERT_ROUTES } from './risk-alerts.ts';
import { RISK_RULE_ROUTES } from './risk-rules.ts';

/**
 * The ops service's REST API, in the order the OpenAPI document lists it. Each part exports an
 * array of routes from its own file and adds one import and one spread here. Express matches in
 * this order: fixed paths come before the `:id` ones beside them.
 */
export const OPS_ROUTES: RouteDefinition<OpsDatabase>[] = [
  ...RATING_ROUTES,
  ...CERTIFICATION_ROUTES,
  ...NOTIFICATION_ROUTES,
  ...OPERATION_ROUTES,
  ...AUDIT_LOG_ROUTES,
  ...RISK_ALERT_ROUTES,
  ...RISK_RULE_ROUTES,
  ...ANALYTICS_ROUTES,
];

/** The platform design's paths outside /ops/ that ops answers (/risk/…, /analytics/…); the catalogue refuses a path claimed twice. */
export const OPS_SHARED_PATHS = [...new Set(OPS_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/ops/')))];
