import type { EventSink, NewEvent } from '../../kit/index.ts';

/** The events the mall's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type MallEventType = 'product_purchased' | 'inventory_updated';

/** Where a mall use case's events go (the kit's EventSink): svc_ec's outbox, or nowhere on the legacy side. */
export type MallEventSink = EventSink<MallEventType>;

/** An inventory row as inventory_updated carries it. */
export interface InventoryState {
  id: number;
  product_id: number;
  warehouse: string;
  quantity: number | null;
  reserved: number | null;
}

/** inventory_updated for each changed inventory row (its state after the change). */
export function inventoryUpdatedEvents(rows: readonly InventoryState[]): NewEvent<'inventory_updated'>[] {
  return rows.map((row) => ({
    type: 'inventory_updated',
    subject: `hp.inventory/${row.id}`,
    key: `hp.inventory/${row.id}`,
    data: { inventoryId: row.id, productId: row.product_id, warehouse: row.warehouse, quantity: Number(row.quantity ?? 0), reserved: Number(row.reserved ?? 0) },
  }));
}

/** A paid order with its lines, as product_purchased carries it. */
export interface PurchasedOrder {
  id: number;
  name: string;
  buyerId: number;
  amountTotal: string;
  currency: string;
  lines: { productId: number; quantity: number; priceUnit: string; subtotal: string }[];
}

export function productPurchasedEvent(order: PurchasedOrder): NewEvent<'product_purchased'> {
  return {
    type: 'product_purchased',
    subject: `hp.mall.order/${order.id}`,
    key: `hp.mall.order/${order.id}`,
    data: { orderId: order.id, name: order.name, buyerId: order.buyerId, lines: order.lines, amountTotal: order.amountTotal, currency: order.currency },
  };
}
