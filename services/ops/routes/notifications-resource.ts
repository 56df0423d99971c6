import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { NotificationChannel } from '../db/tables.ts';

/** A notification (hp.notification) as REST shows it. */
export interface NotificationResource {
  id: number;
  userId: number;
  channel: NotificationChannel;
  title: string;
  body: string | null;
  sentAt: string | null;
  isRead: boolean;
}

interface NotificationRow {
  id: number; user_id: number; channel: NotificationChannel; title: string; body: string | null; sent_at: string | null; is_read: boolean | null;
}

const COLUMNS = sql`n.id, n.user_id, n.channel, n.title, n.body, to_char(n.sent_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sent_at, n.is_read`;

const resourceOf = (r: NotificationRow): NotificationResource => ({
  id: r.id, userId: r.user_id, channel: r.channel, title: r.title, body: r.body, sentAt: r.sent_at, isRead: r.is_read === true,
});

/** One notification (no access check: the caller did it). */
export async function readNotificationResource(db: Kysely<any>, id: number): Promise<NotificationResource | undefined> {
  const { rows } = await sql<NotificationRow>`SELECT ${COLUMNS} FROM notifications n WHERE n.id = ${id}`.execute(db);
  return rows[0] && resourceOf(rows[0]);
}

/** Several, in the order of `ids`. */
export async function readNotificationResources(db: Kysely<any>, ids: readonly number[]): Promise<NotificationResource[]> {
  if (!ids.length) return [];
  const { rows } = await sql<NotificationRow>`SELECT ${COLUMNS} FROM notifications n WHERE n.id = ANY(${[...ids]}::int4[])`.execute(db);
  const byId = new Map(rows.map((r) => [r.id, resourceOf(r)]));
  return ids.map((id) => byId.get(id)).filter((n): n is NotificationResource => !!n);
}

export interface NotificationFilter {
  userId?: number;
  channel?: NotificationChannel;
  isRead?: boolean;
  limit: number;
  offset: number;
}

/**
 * A page of the notifications `visible` (the caller's read rules over alias n: a member's own,
 * an operator's all) lets through, in hp.notification's order (sent_at desc, id desc), and how
 * many match. is_read false also matches a NULL, as Odoo's domain ('is_read', '=', False) does.
 */
export async function listNotificationResources(db: Kysely<any>, visible: RawBuilder<boolean>, filter: NotificationFilter): Promise<{ items: NotificationResource[]; total: number; limit: number; offset: number }> {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (filter.userId !== undefined) conditions.push(sql`n.user_id = ${filter.userId}`);
  if (filter.channel !== undefined) conditions.push(sql`n.channel = ${filter.channel}`);
  if (filter.isRead === true) conditions.push(sql`n.is_read`);
  if (filter.isRead === false) conditions.push(sql`(n.is_read IS NULL OR NOT n.is_read)`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<NotificationRow>`SELECT ${COLUMNS} FROM notifications n WHERE ${where} ORDER BY n.sent_at DESC, n.id DESC LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications n WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map(resourceOf), total: count.rows[0]!.n, limit: filter.limit, offset: filter.offset };
}
