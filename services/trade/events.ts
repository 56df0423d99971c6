import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { TradeDatabase } from './db/database.ts';

/** What trade publishes (DESIGN §5 event list): the service-order life cycle. */
export const TRADE_PUBLISHES = ['order_created', 'order_assigned', 'service_completed'] as const satisfies readonly EventType[];

/**
 * What trade handles. Legacy `hp.payment.action_succeed` marks a `pending_payment` service order
 * paid (it calls `action_mark_paid`); after the cut, finance publishes payment_success and trade
 * does the same here. Any other state is left alone, as the legacy code does.
 */
export const TRADE_SUBSCRIPTIONS: SubscriptionDefinition<TradeDatabase>[] = [
  {
    type: 'payment_success',
    handler: async (event, { db, log }) => {
      const { sourceModel, sourceId } = event.data as { sourceModel: string | null; sourceId: number | null };
      if (sourceModel !== 'hp.service.order' || sourceId === null) return;
      const updated = await db
        .updateTable('service_orders')
        .set({ state: 'paid', write_date: new Date() })
        .where('id', '=', sourceId)
        .where('state', '=', 'pending_payment')
        .executeTakeFirst();
      log.info({ orderId: sourceId, marked: Number(updated.numUpdatedRows) === 1 }, 'payment succeeded for a service order');
    },
  },
];

export type TradeEvent = (typeof TRADE_PUBLISHES)[number];
