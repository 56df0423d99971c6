import type { SqlRunner } from '../db/sql-runner.ts';
import type { DeliveryChannel } from './channel.ts';

/**
 * svc_ops's notification_deliveries (migration 0003): the outbox of messages for outside
 * channels. A delivery is claimed by moving its next attempt past a lease (so a crashed sender's
 * claim expires and the delivery is attempted again), then marked delivered, rescheduled with
 * backoff, or dead.
 */

export interface DeliveryRow {
  id: number;
  send_id: number;
  notification_id: number | null;
  user_id: number;
  channel: DeliveryChannel;
  title: string;
  body: string | null;
  attempts: number;
}

export interface NewDelivery {
  notificationId: number | null;
  userId: number;
  channel: DeliveryChannel;
  title: string;
  body: string | null;
}

/** Queues the deliveries of a send, due now, in the caller's transaction (the send's). */
export async function enqueueDeliveries(run: SqlRunner, sendId: number, deliveries: readonly NewDelivery[]): Promise<void> {
  if (!deliveries.length) return;
  await run.raw(
    `INSERT INTO notification_deliveries (send_id, notification_id, user_id, channel, title, body)
     SELECT $1, d.notification_id, d.user_id, d.channel, d.title, d.body
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (notification_id integer, user_id integer, channel text, title text, body text))
            WITH ORDINALITY AS d(notification_id, user_id, channel, title, body, n)
      ORDER BY d.n`,
    [sendId, JSON.stringify(deliveries.map((d) => ({ notification_id: d.notificationId, user_id: d.userId, channel: d.channel, title: d.title, body: d.body })))],
  );
}

/**
 * Claims up to `limit` due deliveries (pending, next attempt reached): each gets one more
 * attempt and a next attempt `leaseMs` ahead, in one statement that skips rows another
 * dispatcher is claiming. Until marked, a claimed delivery is not due again before its lease ends.
 */
export async function claimDueDeliveries(run: SqlRunner, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  return run.raw<DeliveryRow>(
    `UPDATE notification_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
      WHERE d.id IN (SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING d.id::int AS id, d.send_id::int AS send_id, d.notification_id, d.user_id, d.channel, d.title, d.body, d.attempts`,
    [limit, leaseMs],
  );
}

export async function markDelivered(run: SqlRunner, id: number, providerMessageId: string): Promise<void> {
  await run.raw(`UPDATE notification_deliveries SET state = 'delivered', provider_message_id = $2, delivered_at = now(), last_error = NULL WHERE id = $1 AND state = 'pending'`, [id, providerMessageId]);
}

/** A failed attempt: pending again after `retryInMs`, or dead (`retryInMs` null). */
export async function markFailed(run: SqlRunner, id: number, code: string, retryInMs: number | null): Promise<void> {
  await run.raw(
    `UPDATE notification_deliveries
        SET state = CASE WHEN $3::float8 IS NULL THEN 'dead' ELSE 'pending' END,
            next_attempt_at = CASE WHEN $3::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $3::float8 / 1000) END,
            last_error = $2
      WHERE id = $1 AND state = 'pending'`,
    [id, code.slice(0, 120), retryInMs],
  );
}

/** When the next pending delivery is due (null: none pending), for the dispatcher's timer. */
export async function nextDueAt(run: SqlRunner): Promise<Date | null> {
  const [row] = await run.raw<{ at: Date | null }>(`SELECT min(next_attempt_at) AS at FROM notification_deliveries WHERE state = 'pending'`);
  return row?.at ?? null;
}

/**
 * The address of each recipient on a channel, from svc_ops's copy of the users and partners:
 * the partner's e-mail, its mobile (else phone) for SMS, and the user for push. Null when the
 * user has none (the delivery is then dead: nothing to retry).
 */
export async function recipientAddresses(run: SqlRunner, userIds: readonly number[]): Promise<Map<number, { email: string | null; phone: string | null }>> {
  // to_jsonb: `mobile` is a column of Odoo 18's res.partner, but a copy made without it must not fail the send.
  const rows = await run.raw<{ id: number; email: string | null; phone: string | null }>(
    `SELECT u.id, nullif(btrim(p.email), '') AS email, nullif(btrim(coalesce(to_jsonb(p)->>'mobile', p.phone)), '') AS phone
       FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1::int4[])`,
    [[...new Set(userIds)]],
  );
  return new Map(rows.map((r) => [r.id, { email: r.email, phone: r.phone }]));
}

export interface DeliveryStatus {
  id: number;
  userId: number;
  channel: DeliveryChannel;
  notificationId: number | null;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

export async function deliveriesOfSend(run: SqlRunner, sendId: number): Promise<DeliveryStatus[]> {
  return run.raw<DeliveryStatus>(
    `SELECT id::int AS id, user_id AS "userId", channel, notification_id AS "notificationId", state, attempts, last_error AS "lastError",
            to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "deliveredAt"
       FROM notification_deliveries WHERE send_id = $1 ORDER BY id`,
    [sendId],
  );
}
