import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { OpsDatabase } from './db/tables.ts';
import { ANALYTICS_SUBSCRIPTIONS } from './domain/analytics-events.ts';
import { AUDIT_LOG_SUBSCRIPTIONS } from './domain/audit-log-events.ts';
import { COACH_RATING_SUBSCRIPTIONS } from './domain/coach-rating-completions.ts';

/**
 * What the ops service publishes, each a contract in schemas/events/:
 * - service_rated: a customer rated a coach (REST POST /ops/ratings in both phases; hp.rating
 *   create over Odoo RPC from M05's cutover on; the monolith published nothing).
 */
export const OPS_PUBLISHES = ['service_rated'] as const satisfies readonly EventType[];

/**
 * What ops consumes (DESIGN §5: ops ← all, for risk and analytics; a completed service updates the
 * coach's rating): each part exports its subscriptions from its domain file and adds one spread.
 */
export const OPS_SUBSCRIPTIONS: SubscriptionDefinition<OpsDatabase>[] = [
  ...AUDIT_LOG_SUBSCRIPTIONS,
  ...ANALYTICS_SUBSCRIPTIONS,
  ...COACH_RATING_SUBSCRIPTIONS,
];
