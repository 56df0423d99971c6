import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { FinanceDatabase } from './db/tables.ts';

/** What finance publishes (DESIGN §5 event list). */
export const FINANCE_PUBLISHES = ['payment_success', 'points_awarded', 'gift_sent'] as const satisfies readonly EventType[];

/** What finance consumes: order_created (reserve the payment) and service_completed (points, settlement lines). */
export const FINANCE_SUBSCRIPTIONS: SubscriptionDefinition<FinanceDatabase>[] = [];
