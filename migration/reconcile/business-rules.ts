import { AI_RULES } from './ai-rules.ts';
import { BIZ_RULES } from './biz-rules.ts';
import { CONTENT_RULES } from './content-rules.ts';
import { EC_RULES } from './ec-rules.ts';
import { FINANCE_RULES, unlinkedPaymentFor } from './finance-rules.ts';
import { OPS_RULES } from './ops-rules.ts';
import { canonicalDecimal, on, PAID_ORDER_STATES, type BusinessRule, type RuleBreach } from './rule-model.ts';
import { USER_RULES } from './user-rules.ts';

export { canonicalDecimal, PAID_ORDER_STATES };
export type { BreachRepair, BusinessRule, RuleBreach, RuleSide, TableLocator } from './rule-model.ts';

/**
 * Business invariants of the legacy platform (legacy README, "Business methods" and "Data"),
 * checked on each side after the row comparison: equal rows prove the copy is faithful, these
 * prove the data itself still makes sense once tables live in different services.
 *
 * Each rule reads only the tables it names, each from whichever database holds that table on
 * the side being checked (`locate`), and combines them here; so a rule spanning two services
 * (orders in trade, payments in finance) needs no cross-database SQL.
 */
const serviceOrderPaidOnce: BusinessRule = {
  id: 'service-order-paid-once',
  title: 'Every paid service order has exactly one succeeded payment of its amount',
  description:
    `Every service order in state ${PAID_ORDER_STATES.join(', ')} has exactly one payment in state succeeded ` +
    `that points at it (payments.source_model = 'hp.service.order', source_id = the order), and that payment's amount ` +
    'equals the order amount. Cancelled orders may keep their payment and refunded orders have a refunded one, as in the legacy data.',
  tables: ['service_orders', 'payments'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [orders, payments] = await Promise.all([
      on(locate, 'service_orders').query<{ id: number; state: string; amount: string | null; customer_id: number }>(
        `SELECT id, state, amount::text AS amount, customer_id FROM service_orders WHERE state = ANY($1::text[]) ORDER BY id`,
        [PAID_ORDER_STATES],
      ),
      on(locate, 'payments').query<{ source_id: number; ids: number[]; amounts: (string | null)[] }>(
        `SELECT source_id, array_agg(id ORDER BY id) AS ids, array_agg(amount::text ORDER BY id) AS amounts
           FROM payments WHERE source_model = 'hp.service.order' AND state = 'succeeded' AND source_id IS NOT NULL
          GROUP BY source_id`,
      ),
    ]);
    const paymentsByOrder = new Map(payments.rows.map((p) => [p.source_id, p]));
    const breaches: RuleBreach[] = [];
    for (const order of orders.rows) {
      const p = paymentsByOrder.get(order.id);
      const ids = { service_orders: [order.id], payments: p?.ids ?? [] };
      if (!p) breaches.push({ ids, detail: `order ${order.id} (${order.state}) has no succeeded payment` });
      else if (p.ids.length > 1) breaches.push({ ids, detail: `order ${order.id} (${order.state}) has ${p.ids.length} succeeded payments: ${p.ids.join(', ')}` });
      else if (canonicalDecimal(p.amounts[0] ?? '') !== canonicalDecimal(order.amount ?? '')) {
        breaches.push({ ids, detail: `payment ${p.ids[0]} amount ${p.amounts[0]} differs from order ${order.id} amount ${order.amount}` });
      }
    }
    return unlinkedPaymentFor(locate, orders.rows, breaches);
  },
};

const paymentOrderExists: BusinessRule = {
  id: 'payment-order-exists',
  title: 'No payment points at a missing service order',
  description: "Every payment with source_model = 'hp.service.order' has a source_id, and a service order with that id exists.",
  tables: ['payments', 'service_orders'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const payments = await on(locate, 'payments').query<{ id: number; source_id: number | null }>(
      `SELECT id, source_id FROM payments WHERE source_model = 'hp.service.order' ORDER BY id`,
    );
    const referenced = [...new Set(payments.rows.flatMap((p) => (p.source_id === null ? [] : [p.source_id])))];
    const existing = await on(locate, 'service_orders').query<{ id: number }>(`SELECT id FROM service_orders WHERE id = ANY($1::int8[])`, [referenced]);
    const found = new Set(existing.rows.map((r) => r.id));
    return payments.rows
      .filter((p) => p.source_id === null || !found.has(p.source_id))
      .map((p) => ({
        ids: { payments: [p.id], ...(p.source_id === null ? {} : { service_orders: [p.source_id] }) },
        detail: p.source_id === null ? `payment ${p.id} names no service order` : `payment ${p.id} points at service order ${p.source_id}, which does not exist`,
      }));
  },
};

const pointsChain: BusinessRule = {
  id: 'points-ledger-chain',
  title: "Each user's points ledger is a consistent chain",
  description:
    "Taking a user's points transactions in id order, each balance_after equals the previous balance_after (0 before the first) " +
    'plus its delta, and no balance_after is negative.',
  tables: ['points_transactions'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'points_transactions').query<{
      id: number; user_id: number; delta: number; balance_after: number; previous: number | null; previous_id: number | null;
    }>(
      `SELECT id, user_id, delta, balance_after, previous, previous_id FROM (
         SELECT id, user_id, delta, balance_after,
                lag(balance_after) OVER w AS previous, lag(id) OVER w AS previous_id
           FROM points_transactions WINDOW w AS (PARTITION BY user_id ORDER BY id)) t
        WHERE balance_after IS DISTINCT FROM coalesce(previous, 0) + delta OR balance_after < 0
        ORDER BY id`,
    );
    return rows.map((r) => {
      const expected = (r.previous ?? 0) + r.delta;
      const broken = r.balance_after !== expected;
      return {
        ids: { points_transactions: r.previous_id === null ? [r.id] : [r.previous_id, r.id], res_users: [r.user_id] },
        detail: broken
          ? `user ${r.user_id}: transaction ${r.id} has balance_after ${r.balance_after}, expected ${r.previous ?? 0} + ${r.delta} = ${expected}`
          : `user ${r.user_id}: transaction ${r.id} leaves a negative balance ${r.balance_after}`,
      };
    });
  },
};

/** The balance per user: the last balance_after, which is what Odoo's `res.users.points_balance` reports. */
const LEDGER_BALANCES = `SELECT DISTINCT ON (user_id) user_id, balance_after::int8 AS balance
                           FROM points_transactions ORDER BY user_id, id DESC`;

const pointsBalanceAgrees: BusinessRule = {
  id: 'points-balance-agrees',
  title: 'Points balances agree between the legacy ledger and the finance side',
  description:
    "Each user's points balance from the legacy ledger (the last balance_after, Odoo's points_balance) equals the balance " +
    'the finance side reports for that user; a user known to only one side counts as a disagreement.',
  tables: ['points_transactions'],
  scope: 'across',
  async check(sides) {
    const [legacy, finance] = await Promise.all([
      on(sides.source, 'points_transactions').query<{ user_id: number; balance: string }>(LEDGER_BALANCES),
      on(sides.target, 'points_transactions').query<{ user_id: number; balance: string }>(LEDGER_BALANCES),
    ]);
    const reported = new Map(finance.rows.map((r) => [r.user_id, r.balance]));
    const breaches: RuleBreach[] = [];
    for (const { user_id, balance } of legacy.rows) {
      const other = reported.get(user_id);
      reported.delete(user_id);
      if (other !== balance) {
        breaches.push({ ids: { res_users: [user_id] }, detail: `user ${user_id}: legacy ledger ${balance}, finance side ${other ?? 'no balance'}` });
      }
    }
    for (const [user_id, balance] of reported) {
      breaches.push({ ids: { res_users: [user_id] }, detail: `user ${user_id}: no legacy ledger, finance side ${balance}` });
    }
    return breaches.sort((a, b) => a.ids.res_users![0]! - b.ids.res_users![0]!);
  },
};

const inventoryReserved: BusinessRule = {
  id: 'inventory-reserved-within-quantity',
  title: 'Reserved stock never exceeds stock on hand',
  description: 'For every inventory row, reserved ≤ quantity.',
  tables: ['inventories'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'inventories').query<{ id: number; reserved: string; quantity: string }>(
      `SELECT id, reserved::text AS reserved, quantity::text AS quantity FROM inventories WHERE reserved > quantity ORDER BY id`,
    );
    return rows.map((r) => ({ ids: { inventories: [r.id] }, detail: `inventory ${r.id}: reserved ${r.reserved} > quantity ${r.quantity}` }));
  },
};

const giftDebit: BusinessRule = {
  id: 'gift-order-debited-once',
  title: 'Every gift order debited its sender exactly its points',
  description:
    "Every gift order has exactly one points transaction with reason 'gift' and ref hp.gift.order/<gift order id>, " +
    'for the sender, with delta = −points_spent; and every gift transaction refers to an existing gift order.',
  tables: ['gift_orders', 'points_transactions'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [gifts, debits] = await Promise.all([
      on(locate, 'gift_orders').query<{ id: number; sender_id: number; points_spent: number }>(
        `SELECT id, sender_id, points_spent FROM gift_orders ORDER BY id`,
      ),
      on(locate, 'points_transactions').query<{ id: number; user_id: number; delta: number; ref_model: string | null; ref_id: number | null }>(
        `SELECT id, user_id, delta, ref_model, ref_id FROM points_transactions WHERE reason = 'gift' ORDER BY id`,
      ),
    ]);
    const byGift = new Map<number, typeof debits.rows>();
    const breaches: RuleBreach[] = [];
    const giftIds = new Set(gifts.rows.map((g) => g.id));
    for (const d of debits.rows) {
      if (d.ref_model !== 'hp.gift.order' || d.ref_id === null || !giftIds.has(d.ref_id)) {
        breaches.push({ ids: { points_transactions: [d.id] }, detail: `gift transaction ${d.id} refers to ${d.ref_model ?? 'nothing'}/${d.ref_id ?? '-'}, not an existing gift order` });
        continue;
      }
      byGift.set(d.ref_id, [...(byGift.get(d.ref_id) ?? []), d]);
    }
    for (const g of gifts.rows) {
      const found = byGift.get(g.id) ?? [];
      const ids = { gift_orders: [g.id], points_transactions: found.map((d) => d.id) };
      if (found.length !== 1) breaches.push({ ids, detail: `gift order ${g.id} has ${found.length} gift debits` });
      else if (found[0]!.delta !== -g.points_spent || found[0]!.user_id !== g.sender_id) {
        breaches.push({ ids, detail: `gift order ${g.id}: debit ${found[0]!.delta} from user ${found[0]!.user_id}, expected ${-g.points_spent} from sender ${g.sender_id}` });
      }
    }
    return breaches;
  },
};

export const BUSINESS_RULES: readonly BusinessRule[] = [
  serviceOrderPaidOnce,
  paymentOrderExists,
  pointsChain,
  pointsBalanceAgrees,
  inventoryReserved,
  giftDebit,
  ...FINANCE_RULES,
  ...USER_RULES,
  ...BIZ_RULES,
  ...OPS_RULES,
  ...EC_RULES,
  ...AI_RULES,
  ...CONTENT_RULES,
];
