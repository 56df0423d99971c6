import type { EventSink, NewEvent } from '../../kit/index.ts';
import type { LedgerRow } from './points-ledger.ts';

/** The events finance's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type FinanceEventType = 'payment_success' | 'points_awarded' | 'gift_sent';

/** Where a use case's events go (the kit's EventSink): svc_finance's outbox, or nowhere on the legacy side. */
export type FinanceEventSink = EventSink<FinanceEventType>;

export { NO_EVENTS } from '../../kit/index.ts';

/** The company currency's ISO code (res_currency 6, CNY, in the legacy database). */
export const COMPANY_CURRENCY_CODE = 'CNY';

/** A numeric column's text as the events' decimal strings ("99.00" → "99"). */
export function decimalText(value: string | number | null): string {
  if (value === null) return '0';
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : '0';
}

/**
 * Odoo datetimes ("2026-11-25 11:46:25", UTC) as RFC 3339, to the second as Odoo stores them
 * (finance's events carry no milliseconds; the kit's isoUtc normalises through Date and adds them).
 */
export function isoUtc(value: string | Date | null): string {
  if (value === null) return new Date().toISOString();
  if (value instanceof Date) return value.toISOString();
  return value.includes('T') ? new Date(value).toISOString() : `${value.replace(' ', 'T')}Z`;
}

export interface SucceededPayment {
  id: number;
  reference: string | null;
  payerId: number | null;
  amount: string | null;
  method: string;
  sourceModel: string | null;
  sourceId: number | null;
  paidAt: string;
}

export function paymentSuccessEvent(p: SucceededPayment): NewEvent<'payment_success'> {
  return {
    type: 'payment_success',
    subject: `hp.payment/${p.id}`,
    data: {
      paymentId: p.id, reference: p.reference ?? String(p.id), payerId: p.payerId, amount: decimalText(p.amount), currency: COMPANY_CURRENCY_CODE,
      method: p.method, sourceModel: p.sourceModel, sourceId: p.sourceId, paidAt: isoUtc(p.paidAt),
    },
  } as NewEvent<'payment_success'>;
}

export function pointsAwardedEvent(row: LedgerRow): NewEvent<'points_awarded'> {
  return {
    type: 'points_awarded',
    subject: `hp.points.transaction/${row.id}`,
    // One user's entries keep their order on every transport.
    key: `res.users/${row.userId}`,
    data: { transactionId: row.id, userId: row.userId, delta: row.delta, balanceAfter: row.balanceAfter, reason: row.reason, refModel: row.refModel, refId: row.refId },
  } as NewEvent<'points_awarded'>;
}

export interface SentGift {
  id: number;
  giftId: number;
  senderId: number;
  receiverId: number;
  liveStreamId: number | null;
  quantity: number;
  pointsSpent: number;
}

export function giftSentEvent(order: SentGift): NewEvent<'gift_sent'> {
  return {
    type: 'gift_sent',
    subject: `hp.gift.order/${order.id}`,
    data: { giftOrderId: order.id, giftId: order.giftId, senderId: order.senderId, receiverId: order.receiverId, streamId: order.liveStreamId, quantity: order.quantity, pointsSpent: order.pointsSpent },
  } as NewEvent<'gift_sent'>;
}
