import type { NotificationChannel } from '../db/tables.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { DELIVERY_CHANNELS, type DeliveryChannel } from './channel.ts';
import { enqueueDeliveries, type NewDelivery } from './channel-deliveries.ts';
import { OpsRefused } from './ops-refusal.ts';

/**
 * A send (POST /ops/notifications): one title and body to many users through many channels.
 * hp.notification's own channels (app, sms, email: its `channel` selection) each get a row per
 * user in `notifications`, where M17 lives now: what the monolith kept of a notification, and
 * what a member reads in-app. The outside channels (email, sms, push) each get a delivery per
 * user in svc_ops's outbox (channel-deliveries.ts), pointing at the row it sends when there is
 * one; push has no hp.notification row (the selection has no push).
 */
export type SendChannel = NotificationChannel | 'push';

export interface SendInput {
  userIds: readonly number[];
  channels: readonly SendChannel[];
  title: string;
  body: string | null;
}

/** The row of hp.notification a send creates for one user on one of its channels. */
export interface NotificationRowRef {
  id: number;
  userId: number;
  channel: NotificationChannel;
}

const ROW_CHANNELS: readonly NotificationChannel[] = ['app', 'sms', 'email'];

/** The (user, channel) pairs a send writes to hp.notification, users and channels each once, in the order asked. */
export function notificationRowsOf(input: SendInput): { userId: number; channel: NotificationChannel }[] {
  const channels = [...new Set(input.channels)].filter((c): c is NotificationChannel => ROW_CHANNELS.includes(c as NotificationChannel));
  return [...new Set(input.userIds)].flatMap((userId) => channels.map((channel) => ({ userId, channel })));
}

/** The users of `userIds` that do not exist (or are archived: Odoo would not notify them) where M17's rows live. */
export async function unknownRecipients(run: SqlRunner, userIds: readonly number[]): Promise<number[]> {
  const rows = await run.raw<{ id: number }>('SELECT id FROM res_users WHERE id = ANY($1::int4[]) AND active', [[...new Set(userIds)]]);
  const found = new Set(rows.map((r) => r.id));
  return [...new Set(userIds)].filter((id) => !found.has(id));
}

/**
 * hp.notification's create for a send's rows, as the engine writes it: is_read false and sent_at
 * now (the fields' defaults), the audit columns of `uid`. Refuses a send to a user who does not
 * exist (nothing written). Returns the rows in the order of notificationRowsOf.
 */
export async function insertNotificationRows(run: SqlRunner, input: SendInput, uid: number): Promise<NotificationRowRef[]> {
  const missing = await unknownRecipients(run, input.userIds);
  if (missing.length) throw new OpsRefused('invalid', `No such user: ${missing.join(', ')}.`);
  const rows = notificationRowsOf(input);
  if (!rows.length) return [];
  const inserted = await run.raw<{ id: number; user_id: number; channel: NotificationChannel }>(
    `INSERT INTO notifications (user_id, channel, title, body, is_read, sent_at, create_uid, write_uid, create_date, write_date)
     SELECT r.user_id, r.channel, $2, $3, false, date_trunc('second', now() at time zone 'UTC'), $4, $4, (now() at time zone 'UTC'), (now() at time zone 'UTC')
       FROM unnest($1::int4[], $5::varchar[]) WITH ORDINALITY AS r(user_id, channel, n)
      ORDER BY r.n
     RETURNING id, user_id, channel`,
    [rows.map((r) => r.userId), input.title, input.body, uid, rows.map((r) => r.channel)],
  );
  return inserted.map((r) => ({ id: r.id, userId: r.user_id, channel: r.channel }));
}

/**
 * Records the send and queues its deliveries in svc_ops (the caller's transaction: the request's,
 * with its idempotency record), each pointing at its hp.notification row when the channel has
 * one. Returns the send's id and how many deliveries wait.
 */
export async function recordSend(run: SqlRunner, input: SendInput, rows: readonly NotificationRowRef[], sentBy: number): Promise<{ sendId: number; deliveries: number }> {
  const [send] = await run.raw<{ id: number }>(
    `INSERT INTO notification_sends (sent_by, title, channels, user_ids, notification_ids) VALUES ($1, $2, $3::varchar[], $4::int4[], $5::int4[]) RETURNING id::int AS id`,
    [sentBy, input.title, [...new Set(input.channels)], [...new Set(input.userIds)], rows.map((r) => r.id)],
  );
  const rowOf = new Map(rows.map((r) => [`${r.userId}:${r.channel}`, r.id]));
  const outside = [...new Set(input.channels)].filter((c): c is DeliveryChannel => DELIVERY_CHANNELS.includes(c as DeliveryChannel));
  const deliveries: NewDelivery[] = [...new Set(input.userIds)].flatMap((userId) =>
    outside.map((channel) => ({ notificationId: rowOf.get(`${userId}:${channel}`) ?? null, userId, channel, title: input.title, body: input.body })));
  await enqueueDeliveries(run, send!.id, deliveries);
  return { sendId: send!.id, deliveries: deliveries.length };
}

export interface SendRecord {
  id: number;
  sentBy: number;
  title: string;
  channels: SendChannel[];
  userIds: number[];
  notificationIds: number[];
  createdAt: string;
}

export async function readSend(run: SqlRunner, id: number): Promise<SendRecord | undefined> {
  const [row] = await run.raw<SendRecord>(
    `SELECT id::int AS id, sent_by AS "sentBy", title, channels, user_ids AS "userIds", notification_ids AS "notificationIds",
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
       FROM notification_sends WHERE id = $1`,
    [id],
  );
  return row;
}
