import { canonicalDecimal, on, type BusinessRule, type RuleBreach, type TableLocator } from './rule-model.ts';

/**
 * The rules between trade (M04's service orders) and finance (M13's payments, M14's points
 * ledger), from the addons: `hp.payment.action_succeed` marks a pending order paid, and hp_points'
 * `_hp_after_complete` credits floor(amount) points to the customer of a completed order through
 * the ledger, whose `create` keeps each user's balance_after chained under
 * `pg_advisory_xact_lock(14, user)`.
 *
 * Like every rule they run once per side: on the legacy database (every table there: the owner's
 * rows of modules still in Odoo, the reverse sync's copy of those cut over) and on the service side
 * (service_orders from svc_trade, payments and points_transactions from svc_finance). A side whose
 * module has no copy yet is skipped by the runner with the reason; the row comparison proves each
 * copy equal to its owner, so between them the two sides check the system of record of every table.
 * Breaches that a machine may mend carry the write (`repair`); rule-repair.ts applies it on the
 * table's system of record only.
 */

const SERVICE_ORDER = 'hp.service.order';
/** Order states that come before payment: a succeeded payment may not leave its order in one of them. */
const UNPAID_ORDER_STATES = ['draft', 'pending_payment'] as const;

const paymentMarksOrderPaid: BusinessRule = {
  id: 'payment-marks-order-paid',
  title: 'Every succeeded payment of a service order left its order paid',
  description:
    "Every payment in state succeeded that pays a service order (source_model = 'hp.service.order') finds that order past " +
    `payment: not ${UNPAID_ORDER_STATES.join(' or ')}. hp.payment.action_succeed marks a pending order paid; an order cancelled or ` +
    'refunded after payment keeps its payment, as in the legacy data. A payment naming no existing order is the rule "No payment points at a missing service order".',
  tables: ['payments', 'service_orders'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const payments = await on(locate, 'payments').query<{ id: number; source_id: number }>(
      `SELECT id, source_id FROM payments WHERE source_model = $1 AND state = 'succeeded' AND source_id IS NOT NULL ORDER BY id`,
      [SERVICE_ORDER],
    );
    const orderIds = [...new Set(payments.rows.map((p) => p.source_id))];
    const orders = await on(locate, 'service_orders').query<{ id: number; state: string; name: string }>(
      `SELECT id, state, name FROM service_orders WHERE id = ANY($1::int8[]) AND state = ANY($2::text[])`,
      [orderIds, UNPAID_ORDER_STATES],
    );
    const unpaid = new Map(orders.rows.map((o) => [o.id, o]));
    return payments.rows.flatMap((p): RuleBreach[] => {
      const order = unpaid.get(p.source_id);
      if (!order) return [];
      const breach = { ids: { payments: [p.id], service_orders: [order.id] }, detail: `payment ${p.id} succeeded but order ${order.id} (${order.name}) is still ${order.state}` };
      return [
        order.state === 'pending_payment'
          ? { ...breach, repair: { kind: 'mark-order-paid', table: 'service_orders', orderId: order.id, paymentId: p.id } }
          : { ...breach, noRepair: `order ${order.id} was never submitted (draft): marking it paid would skip submission; refund payment ${p.id} or submit the order and mark it paid by hand` },
      ];
    });
  },
};

const orderPointsAwardedOnce: BusinessRule = {
  id: 'order-points-awarded-once',
  title: "Every completed service order credited its customer's points exactly once",
  description:
    "Every service order in state completed whose floor(amount) is above 0 has exactly one points transaction with reason 'order' " +
    "and ref hp.service.order/<order id>, for the order's customer, with delta = floor(amount) (hp_points awards it on completion); " +
    "an order of less than 1 has none; and every 'order' points transaction refers to an existing completed order.",
  tables: ['service_orders', 'points_transactions'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [completed, awards] = await Promise.all([
      on(locate, 'service_orders').query<{ id: number; customer_id: number; points: string }>(
        `SELECT id, customer_id, floor(coalesce(amount, 0))::int8::text AS points FROM service_orders WHERE state = 'completed' ORDER BY id`,
      ),
      on(locate, 'points_transactions').query<{ id: number; user_id: number; delta: number; ref_model: string | null; ref_id: number | null }>(
        `SELECT id, user_id, delta, ref_model, ref_id FROM points_transactions WHERE reason = 'order' ORDER BY id`,
      ),
    ]);
    const completedIds = new Set(completed.rows.map((o) => o.id));
    const byOrder = new Map<number, typeof awards.rows>();
    const breaches: RuleBreach[] = [];
    const strays = awards.rows.filter((a) => a.ref_model !== SERVICE_ORDER || a.ref_id === null || !completedIds.has(a.ref_id));
    const strayStates = await orderStates(locate, strays.flatMap((a) => (a.ref_model === SERVICE_ORDER && a.ref_id !== null ? [a.ref_id] : [])));
    for (const a of awards.rows) {
      if (!strays.includes(a)) {
        byOrder.set(a.ref_id!, [...(byOrder.get(a.ref_id!) ?? []), a]);
        continue;
      }
      const what = a.ref_model !== SERVICE_ORDER || a.ref_id === null
        ? `refers to ${a.ref_model ?? 'nothing'}/${a.ref_id ?? '-'}, not a service order`
        : strayStates.has(a.ref_id)
          ? `awards points for order ${a.ref_id}, which is ${strayStates.get(a.ref_id)}, not completed`
          : `awards points for order ${a.ref_id}, which does not exist`;
      breaches.push({
        ids: { points_transactions: [a.id], ...(a.ref_id !== null && a.ref_model === SERVICE_ORDER ? { service_orders: [a.ref_id] } : {}) },
        detail: `order points transaction ${a.id} (user ${a.user_id}, ${signed(a.delta)}) ${what}`,
        noRepair: "the ledger is append-only: taking these points back is an 'adjust' transaction a person decides on",
      });
    }
    for (const order of completed.rows) {
      const points = Number(order.points);
      const found = byOrder.get(order.id) ?? [];
      const ids = { service_orders: [order.id], points_transactions: found.map((a) => a.id) };
      if (points <= 0) {
        if (found.length) breaches.push({ ids, detail: `order ${order.id} is worth no points (amount below 1) but has ${found.length} order points transaction(s)`, noRepair: "the ledger is append-only: an 'adjust' transaction decided by a person takes them back" });
      } else if (!found.length) {
        breaches.push({
          ids,
          detail: `order ${order.id} is completed but customer ${order.customer_id} was never credited its ${points} points`,
          repair: { kind: 'append-points', table: 'points_transactions', userId: order.customer_id, delta: points, reason: 'order', refModel: SERVICE_ORDER, refId: order.id },
        });
      } else if (found.length > 1) {
        breaches.push({ ids, detail: `order ${order.id} credited points ${found.length} times (transactions ${found.map((a) => a.id).join(', ')})`, noRepair: `the ledger is append-only: the extra credits need 'adjust' transactions (−${found.slice(1).map((a) => a.delta).join(', −')}) decided by a person` });
      } else if (found[0]!.delta !== points || found[0]!.user_id !== order.customer_id) {
        breaches.push({ ids, detail: `order ${order.id}: transaction ${found[0]!.id} credits ${signed(found[0]!.delta)} to user ${found[0]!.user_id}, expected +${points} to customer ${order.customer_id}`, noRepair: "the ledger is append-only: the difference needs an 'adjust' transaction decided by a person" });
      }
    }
    return breaches.sort((a, b) => firstId(a) - firstId(b));
  },
};

const pointsBalanceIsSum: BusinessRule = {
  id: 'points-balance-is-sum',
  title: "Each user's points balance is the sum of the user's accepted deltas",
  description:
    "For every user with points transactions, the balance (the last balance_after, what res.users.points_balance reports) " +
    'equals the sum of all the deltas of the user’s transactions, and is not negative: no points created or lost outside the ledger.',
  tables: ['points_transactions'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'points_transactions').query<{ user_id: number; last_id: number; balance: number | null; total: string }>(
      `SELECT user_id, last_id, balance, total FROM (
         SELECT user_id, max(id) AS last_id, (array_agg(balance_after ORDER BY id DESC))[1] AS balance, sum(delta)::int8::text AS total
           FROM points_transactions GROUP BY user_id) t
        WHERE balance IS NULL OR balance::int8 <> total::int8 OR balance < 0
        ORDER BY user_id`,
    );
    return rows.map((r) => ({
      ids: { res_users: [r.user_id], points_transactions: [r.last_id] },
      detail: r.balance !== null && r.balance < 0 && String(r.balance) === r.total
        ? `user ${r.user_id}: balance ${r.balance} is negative`
        : `user ${r.user_id}: balance ${r.balance ?? 'missing'} (transaction ${r.last_id}), but the deltas sum to ${r.total}`,
      noRepair: "the ledger is append-only and its history is not rewritten: find the transaction that broke the chain (rule points-ledger-chain) and correct the balance with an 'adjust' transaction decided by a person",
    }));
  },
};

export const FINANCE_RULES: readonly BusinessRule[] = [paymentMarksOrderPaid, orderPointsAwardedOnce, pointsBalanceIsSum];

/**
 * Adds to "paid order without a succeeded payment" breaches the payment link that mends them:
 * a succeeded service-order payment of the order's customer and amount whose own link is lost
 * (no source_id, or one naming no order). Only a one-to-one match is proposed; a repair never
 * invents a payment (money is not created by reconciliation).
 */
export async function unlinkedPaymentFor(
  locate: TableLocator,
  orders: readonly { id: number; amount: string | null; customer_id: number }[],
  breaches: RuleBreach[],
): Promise<RuleBreach[]> {
  const unpaid = breaches.filter((b) => b.ids.payments?.length === 0);
  if (!unpaid.length) return breaches;
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const customers = [...new Set(unpaid.map((b) => orderById.get(b.ids.service_orders![0]!)!.customer_id))];
  const { rows } = await on(locate, 'payments').query<{ id: number; payer_id: number; amount: string | null; source_id: number | null }>(
    `SELECT id, payer_id, amount::text AS amount, source_id FROM payments
      WHERE source_model = $1 AND state = 'succeeded' AND payer_id = ANY($2::int8[]) ORDER BY id`,
    [SERVICE_ORDER, customers],
  );
  const pointed = rows.flatMap((p) => (p.source_id === null ? [] : [p.source_id]));
  const existing = new Set((await on(locate, 'service_orders').query<{ id: number }>(`SELECT id FROM service_orders WHERE id = ANY($1::int8[])`, [pointed])).rows.map((r) => r.id));
  const lost = rows.filter((p) => p.source_id === null || !existing.has(p.source_id));
  const key = (payer: number, amount: string | null) => `${payer}/${canonicalDecimal(amount ?? '')}`;
  const candidates = (o: { customer_id: number; amount: string | null }) => lost.filter((p) => key(p.payer_id, p.amount) === key(o.customer_id, o.amount));
  const claims = new Map<number, number>();
  for (const b of unpaid) for (const p of candidates(orderById.get(b.ids.service_orders![0]!)!)) claims.set(p.id, (claims.get(p.id) ?? 0) + 1);

  return breaches.map((b) => {
    if (!unpaid.includes(b)) return b;
    const order = orderById.get(b.ids.service_orders![0]!)!;
    const found = candidates(order);
    if (found.length === 1 && claims.get(found[0]!.id) === 1) {
      const p = found[0]!;
      return { ...b, repair: { kind: 'link-payment', table: 'payments', paymentId: p.id, orderId: order.id, previousSourceId: p.source_id } };
    }
    return {
      ...b,
      noRepair: found.length
        ? `several succeeded payments of ${order.amount} from customer ${order.customer_id} lost their order (${found.map((p) => p.id).join(', ')}): which one pays order ${order.id} is for a person to decide`
        : `no succeeded payment of ${order.amount} from customer ${order.customer_id} is without an order: a repair does not invent a payment; find it with the provider, or move the order back`,
    };
  });
}

async function orderStates(locate: TableLocator, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { rows } = await on(locate, 'service_orders').query<{ id: number; state: string }>(`SELECT id, state FROM service_orders WHERE id = ANY($1::int8[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.state]));
}

const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));
const firstId = (b: RuleBreach) => b.ids.service_orders?.[0] ?? b.ids.points_transactions?.[0] ?? 0;
