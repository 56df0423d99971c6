import type { SqlRunner } from '../db/sql-runner.ts';

/** What finance did with a provider event (stored with it, and answered again to a redelivery). */
export type WebhookOutcome =
  | 'succeeded' // the payment went pending → succeeded (hp.payment.action_succeed)
  | 'failed' // the payment went pending → failed (hp.payment.action_fail)
  | 'already-succeeded' // a succeeded event for a payment that had succeeded already (another event id, or an operator)
  | 'already-failed' // likewise for a failed payment
  | 'ignored'; // an event type finance does not act on

/** The provider events that move a payment, and the transition each runs. */
export const PAYMENT_EVENT_TYPES = { 'payment.succeeded': 'succeeded', 'payment.failed': 'failed' } as const;
export type PaymentEventType = keyof typeof PAYMENT_EVENT_TYPES;

export interface ClaimedEvent {
  firstDelivery: true;
}
export interface RepeatedEvent {
  firstDelivery: false;
  eventType: string;
  paymentId: number | null;
  outcome: WebhookOutcome;
}

/**
 * Claims a provider event id for this transaction (table payment_webhook_events, migration
 * 0002): the INSERT of its primary key is the replay protection. A concurrent delivery of the
 * same id waits on that key until this transaction ends and then finds the row (and is answered
 * as a repeat); if this transaction rolls back, the claim goes with it and the next delivery acts.
 * Call recordWebhookOutcome before the transaction commits.
 */
export async function claimWebhookEvent(sql: SqlRunner, event: { id: string; type: string }, signedAt: Date): Promise<ClaimedEvent | RepeatedEvent> {
  const claimed = await sql.raw<{ event_id: string }>(
    `INSERT INTO payment_webhook_events (event_id, event_type, outcome, signed_at) VALUES ($1, $2, 'ignored', $3)
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [event.id, event.type, signedAt],
  );
  if (claimed.length) return { firstDelivery: true };
  const [stored] = await sql.raw<{ event_type: string; payment_id: number | null; outcome: WebhookOutcome }>(
    'SELECT event_type, payment_id, outcome FROM payment_webhook_events WHERE event_id = $1',
    [event.id],
  );
  return { firstDelivery: false, eventType: stored!.event_type, paymentId: stored!.payment_id, outcome: stored!.outcome };
}

/** What the claimed event did, in the claim's transaction. */
export async function recordWebhookOutcome(sql: SqlRunner, eventId: string, paymentId: number | null, outcome: WebhookOutcome): Promise<void> {
  await sql.raw('UPDATE payment_webhook_events SET payment_id = $2, outcome = $3 WHERE event_id = $1', [eventId, paymentId, outcome]);
}
