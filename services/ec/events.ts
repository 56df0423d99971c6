import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { EcDatabase } from './db/tables.ts';

/**
 * What the ec service publishes, each a contract in schemas/events/:
 * - product_purchased: a mall order was paid (hp.mall.order draft → paid: finance's payment
 *   calling action_pay, or any client's action_pay after M09's cutover)
 * - inventory_updated: a warehouse's stock of a product changed (reservation, release, delivery)
 * - ad_clicked: an ad impression was clicked (M10)
 * The monolith published none of them; they start with ec's ownership of each module.
 */
export const EC_PUBLISHES = ['product_purchased', 'inventory_updated', 'ad_clicked'] as const satisfies readonly EventType[];

/**
 * What ec consumes: each part exports its subscriptions from its domain file and adds one
 * spread here. None yet: the mall is paid through finance's call of action_pay, not an event.
 */
export const EC_SUBSCRIPTIONS: SubscriptionDefinition<EcDatabase>[] = [];
