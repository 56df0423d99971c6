import { sql as sqlText } from 'kysely';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import { giftSentEvent, type FinanceEventSink, type SentGift } from './finance-events.ts';
import { FinanceRefused } from './finance-refusal.ts';
import type { LedgerConnection, LedgerRow } from './points-ledger.ts';
import { recordPoints } from './points-entries.ts';

export const GIFT_TO_SELF_MESSAGE = 'You cannot send a gift to yourself.';
export const QUANTITY_POSITIVE_MESSAGE = 'The quantity must be positive.';
/**
 * The hole the monolith leaves open (hp.gift.order has no record rule, so a member may create an
 * order with another member as sender and spend their points): finance refuses it on every
 * protocol. A deliberate difference from the monolith (MIGRATION.md).
 */
export const SENDER_NOT_SELF_MESSAGE = 'You can only send gifts in your own name: sender_id must be your own user.';

/** Who is creating gift orders: the user, and whether they may send in another user's name (operators, admins, sudo). */
export interface GiftCaller {
  uid: number;
  mayActForOthers: boolean;
}

/** The refusal of an order sent in another user's name by a caller who may only send as themself. */
export function senderRefusal(caller: GiftCaller, senderId: unknown): FinanceRefused | undefined {
  if (caller.mayActForOthers || senderId === undefined || senderId === null || senderId === false) return undefined;
  return Number(senderId) === caller.uid ? undefined : new FinanceRefused('access', SENDER_NOT_SELF_MESSAGE);
}

/** A gift order as its debit needs it. */
export interface GiftOrderRecord extends SentGift {}

/** `points_spent = gift_id.price_points * quantity` (stored). */
export function pointsSpent(pricePoints: number, quantity: number): number {
  return pricePoints * quantity;
}

/**
 * What hp_gift's `create` does once the orders exist: for each order in order, a gift to oneself
 * is refused ("You cannot send a gift to yourself."); then one ledger debit per order (reason
 * gift, −points_spent, ref hp.gift.order/id) in one ledger create, which refuses, and so rolls
 * the whole call back, when a sender lacks the points. Publishes gift_sent per order (and the
 * ledger's points_awarded) in the caller's transaction.
 */
export async function debitGiftSenders(ledger: LedgerConnection, events: FinanceEventSink, orders: readonly GiftOrderRecord[], uid: number): Promise<LedgerRow[]> {
  for (const order of orders) if (order.senderId === order.receiverId) throw new FinanceRefused('validation', GIFT_TO_SELF_MESSAGE);
  const rows = await recordPoints(
    ledger,
    events,
    orders.map((o) => ({ userId: o.senderId, delta: -o.pointsSpent, reason: 'gift', refModel: 'hp.gift.order', refId: o.id })),
    uid,
  );
  await events.publish(orders.map(giftSentEvent));
  return rows;
}

/** The gift orders' rows as the debit reads them. */
export async function readGiftOrders(sql: SqlRunner, ids: readonly number[]): Promise<GiftOrderRecord[]> {
  if (!ids.length) return [];
  const rows = await sql.run(
    build.selectFrom('gift_orders').select(['id', 'gift_id', 'sender_id', 'receiver_id', 'live_stream_id', 'quantity', 'points_spent']).where('id', 'in', [...ids]),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id)!;
    return { id: r.id, giftId: r.gift_id, senderId: r.sender_id, receiverId: r.receiver_id, liveStreamId: r.live_stream_id, quantity: r.quantity, pointsSpent: r.points_spent ?? 0 };
  });
}

/** Recomputes the stored points_spent of these orders from their gift's price. */
export async function recomputePointsSpent(sql: SqlRunner, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await sql.raw('UPDATE gift_orders o SET points_spent = g.price_points * o.quantity FROM gifts g WHERE g.id = o.gift_id AND o.id = ANY($1::int4[])', [[...ids]]);
}

/** One gift order to send (REST's POST /gifts/purchase). */
export interface GiftOrderRequest {
  senderId: number;
  receiverId: number;
  giftId: number;
  quantity: number;
  liveStreamId?: number | null;
}

export interface SentGiftOrder {
  order: GiftOrderRecord;
  sentAt: string;
  debit: LedgerRow;
}

/**
 * Sends gift orders where no ORM create runs (REST): the sender rule finance adds (a member
 * sends as themself), the addon's checks (quantity > 0, gift and users exist), the rows with
 * their stored points_spent and sent_at, then debitGiftSenders. All in the caller's transaction:
 * any refusal leaves nothing behind.
 */
export async function sendGiftOrders(ledger: LedgerConnection, events: FinanceEventSink, caller: GiftCaller, requests: readonly GiftOrderRequest[]): Promise<SentGiftOrder[]> {
  const sql = ledger.sql;
  for (const request of requests) {
    const refusal = senderRefusal(caller, request.senderId);
    if (refusal) throw refusal;
    if (!(request.quantity > 0)) throw new FinanceRefused('validation', QUANTITY_POSITIVE_MESSAGE);
  }
  const giftIds = [...new Set(requests.map((r) => r.giftId))];
  const gifts = new Map((await sql.run(build.selectFrom('gifts').select(['id', 'price_points']).where('id', 'in', giftIds.length ? giftIds : [0]))).map((g) => [g.id, g.price_points]));
  for (const request of requests) if (!gifts.has(request.giftId)) throw new FinanceRefused('invalid', `Gift ${request.giftId} does not exist.`);
  const userIds = [...new Set(requests.flatMap((r) => [r.senderId, r.receiverId]))];
  const users = new Set((await sql.raw<{ id: number }>('SELECT id FROM res_users WHERE id = ANY($1::int4[])', [userIds])).map((u) => u.id));
  for (const id of userIds) if (!users.has(id)) throw new FinanceRefused('invalid', `User ${id} does not exist.`);
  const now = sqlText<string>`(now() at time zone 'UTC')`;
  const inserted = requests.length
    ? await sql.run(
        build
          .insertInto('gift_orders')
          .values(requests.map((r) => ({
            sender_id: r.senderId, receiver_id: r.receiverId, gift_id: r.giftId, quantity: r.quantity, points_spent: pointsSpent(gifts.get(r.giftId)!, r.quantity),
            live_stream_id: r.liveStreamId ?? null, sent_at: now, create_uid: caller.uid, write_uid: caller.uid, create_date: now, write_date: now,
          })))
          .returning(['id', 'sent_at']),
      )
    : [];
  const orders: GiftOrderRecord[] = requests.map((r, i) => ({
    id: inserted[i]!.id, giftId: r.giftId, senderId: r.senderId, receiverId: r.receiverId, liveStreamId: r.liveStreamId ?? null, quantity: r.quantity, pointsSpent: pointsSpent(gifts.get(r.giftId)!, r.quantity),
  }));
  const debits = await debitGiftSenders(ledger, events, orders, caller.uid);
  return orders.map((order, i) => ({ order, sentAt: String(inserted[i]!.sent_at instanceof Date ? (inserted[i]!.sent_at as Date).toISOString() : inserted[i]!.sent_at), debit: debits[i]! }));
}
