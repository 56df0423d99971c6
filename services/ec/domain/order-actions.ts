import type { SqlRunner } from '../db/sql-runner.ts';
import type { MallOrderState } from '../db/tables.ts';
import { settleReservations, type Settlement } from './inventory-reservations.ts';
import { inventoryUpdatedEvents, productPurchasedEvent, type InventoryState, type MallEventSink } from './mall-events.ts';
import { MallRefused } from './mall-refusal.ts';
import { ORDER_TRANSITIONS, ORDER_WITHOUT_LINES, wrongStateMessage, type OrderAction } from './order-states.ts';

/** What the state machine reads of an order. */
export interface OrderFacts {
  id: number;
  name: string | null;
  state: MallOrderState;
}

/**
 * Where an action reads `self` and writes, on the caller's connection with the caller's checks:
 * `read` is Python's first read of `self` (read ACL and rules, missing ids), `withLines` which of
 * the orders have lines, `write` is `self.write(vals)` (write ACL and rules, audit columns).
 */
export interface OrderStore {
  read(ids: readonly number[]): Promise<Map<number, OrderFacts>>;
  withLines(ids: readonly number[]): Promise<Set<number>>;
  write(ids: readonly number[], vals: { state: MallOrderState; paid_at?: string }): Promise<void>;
}

/**
 * What follows a transition beyond hp_mall's own write (ec's additions): a paid order announces
 * product_purchased; a cancelled one gives its reserved units back, a delivered one takes them
 * out of stock; each changed inventory row announces inventory_updated. The legacy side's engine
 * answers as the monolith did and has none of these (NO_ORDER_EFFECTS).
 */
export interface OrderEffects {
  after(action: OrderAction, orderIds: readonly number[], uid: number): Promise<void>;
}

export const NO_ORDER_EFFECTS: OrderEffects = { after: async () => undefined };

/**
 * action_pay / action_ship / action_deliver / action_cancel, the same for every client:
 * `_check_state` visits `self` in order (duplicates included) and refuses with the addon's text
 * at the first order in a wrong state; action_pay then refuses when any order has no lines;
 * then one write of the new state (paid_at with the payment) to every order, each once.
 */
export async function runOrderAction(store: OrderStore, effects: OrderEffects, action: OrderAction, ids: readonly number[], ctx: { uid: number; now: string }): Promise<true> {
  const transition = ORDER_TRANSITIONS[action];
  const orders = await store.read(ids);
  for (const id of ids) {
    const order = orders.get(id)!;
    if (!transition.allowed.includes(order.state)) throw new MallRefused('state', wrongStateMessage(order.name, action, order.state));
  }
  const unique = [...orders.keys()];
  if (action === 'pay' && unique.length && (await store.withLines(unique)).size < unique.length) throw new MallRefused('state', ORDER_WITHOUT_LINES);
  if (!unique.length) return true;
  await store.write(unique, action === 'pay' ? { state: transition.to, paid_at: ctx.now } : { state: transition.to });
  await effects.after(action, unique, ctx.uid);
  return true;
}

/**
 * How the orders' reservations end: by default on `stock` and `ledger` themselves (REST, in the
 * request's transaction); an Odoo call settles beside its REPEATABLE READ transaction instead
 * (odoo/mall-behaviour.ts says why).
 */
export type SettleOrders = (orderIds: readonly number[], how: Settlement, uid: number) => Promise<InventoryState[]>;

/**
 * ec's effects of a transition: `stock` is where the inventory and order rows live (the home),
 * `ledger` svc_ec (the reservations), `events` the sink of the side that runs it.
 */
export function orderEffects(stock: SqlRunner, ledger: SqlRunner, events: MallEventSink, settle: SettleOrders = (orderIds, how, uid) => settleReservations(stock, ledger, { orderIds }, how, uid)): OrderEffects {
  return {
    async after(action, orderIds, uid) {
      if (action === 'cancel' || action === 'deliver') {
        const changed = await settle(orderIds, action === 'cancel' ? 'release' : 'consume', uid);
        await events.publish(inventoryUpdatedEvents(changed));
      }
      if (action === 'pay') await events.publish((await purchasedOrders(stock, orderIds)).map(productPurchasedEvent));
    },
  };
}

/** The paid orders with their lines, as product_purchased carries them (orders without a line publish nothing: the schema needs one). */
async function purchasedOrders(db: SqlRunner, orderIds: readonly number[]) {
  const orders = await db.raw<{ id: number; name: string; buyer_id: number; amount_total: string | null; currency: string | null }>(
    `SELECT o.id, o.name, o.buyer_id, o.amount_total::text AS amount_total, c.name AS currency
       FROM orders o LEFT JOIN res_currency c ON c.id = o.currency_id WHERE o.id = ANY($1::int4[]) ORDER BY o.id`,
    [orderIds],
  );
  const lines = await db.raw<{ order_id: number; product_id: number; quantity: number | null; price_unit: string | null; subtotal: string | null }>(
    `SELECT order_id, product_id, quantity, price_unit::text AS price_unit, subtotal::text AS subtotal FROM order_lines WHERE order_id = ANY($1::int4[]) ORDER BY order_id, id`,
    [orderIds],
  );
  return orders.flatMap((o) => {
    const own = lines.filter((l) => l.order_id === o.id && Number(l.quantity ?? 0) > 0);
    if (!own.length) return [];
    return [{
      id: o.id, name: o.name, buyerId: o.buyer_id, amountTotal: o.amount_total ?? '0', currency: o.currency ?? 'CNY',
      lines: own.map((l) => ({ productId: l.product_id, quantity: Number(l.quantity), priceUnit: l.price_unit ?? '0', subtotal: l.subtotal ?? '0' })),
    }];
  });
}
