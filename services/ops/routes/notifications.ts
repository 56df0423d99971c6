import type { Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { operationsHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { NotificationChannel, OpsDatabase } from '../db/tables.ts';
import { deliveriesOfSend } from '../domain/channel-deliveries.ts';
import { deliveryDispatcherOf } from '../domain/channel-dispatcher.ts';
import { MARK_READ_SQL, markNotificationsRead, type NotificationReadStore } from '../domain/notification-read.ts';
import { insertNotificationRows, readSend, recordSend, type SendChannel } from '../domain/notification-sends.ts';
import { listNotificationResources, readNotificationResource, readNotificationResources } from './notifications-resource.ts';
import { asProblems, checkRecords, readerOfHome, writeInHome } from './rest-access.ts';

export const NOTIFICATION_MODEL = 'hp.notification';
const TABLE = 'notifications';
const LABEL = 'notification';

interface SendBody { userIds: number[]; channels?: SendChannel[]; title: string; body?: string | null }
interface NotificationQuery { user_id?: number; channel?: NotificationChannel; is_read?: boolean; limit: number; offset: number }

/** The send as REST shows it: its rows of hp.notification and its deliveries with their states. */
async function sendResource(svc: Kysely<any>, rows: Kysely<any>, sendId: number) {
  const run = onKysely(svc);
  const send = await readSend(run, sendId);
  if (!send) return undefined;
  return { ...send, notifications: await readNotificationResources(rows, send.notificationIds), deliveries: await deliveriesOfSend(run, sendId) };
}

/** Who may send: those hp.notification's ACL lets create (operators, administrators); a member is refused with Odoo's AccessError text (403). */
const checkSender = (access: AccessPort) => access.check(NOTIFICATION_MODEL, 'create');

/**
 * POST /ops/notifications: one title and body to one or many users through channels
 * (domain/notification-sends.ts): a row of hp.notification per user for app, sms and email, where
 * M17 lives now (the in-app notification a member reads), and a delivery per user for email, sms
 * and push in svc_ops's outbox, sent by the channel dispatcher after the commit. 201 when all is
 * done (app only), 202 when deliveries wait; Location is the send's status. Idempotency-Key is
 * required: a retried send must not notify twice. Unknown or archived users: 422, nothing sent.
 */
export const sendNotificationsRoute = defineRoute<OpsDatabase, SendBody>({
  method: 'post',
  path: '/ops/notifications',
  summary: 'Send a notification to users through channels: in-app (hp.notification), e-mail, SMS, push (operators and administrators); Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/ops/notification-send.json',
  responses: { 201: 'rest/ops/notification-send-status.json', 202: 'rest/ops/notification-send-status.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await checkSender(access);
    const input = { userIds: ctx.body.userIds, channels: ctx.body.channels ?? ['app' as const], title: ctx.body.title, body: ctx.body.body ?? null };
    const { sendId, deliveries, home } = await writeInHome(operationsHome, ctx, async (rows, home) => {
      const created = await asProblems(insertNotificationRows(onKysely(rows), input, access.uid));
      // Odoo checks the create rules on the new records, after the INSERT, in the same transaction.
      await checkRecords(access, rows, NOTIFICATION_MODEL, TABLE, 'create', created.map((r) => r.id), LABEL);
      return { ...(await recordSend(onKysely(ctx.db), input, created, access.uid)), home };
    });
    const { database } = ctx;
    // The dispatcher sends once the deliveries are committed; the answer does not wait for it.
    if (deliveries && database) ctx.afterCommit(async () => deliveryDispatcherOf(database, ctx.log).kick());
    // The rows as written: in this transaction after cutover, committed on the monolith before it.
    const rows = home === 'service' || !ctx.legacyPool ? ctx.db : operationsHome.legacyDatabase(ctx.legacyPool);
    const body = (await sendResource(ctx.db, rows, sendId))!;
    return { status: deliveries ? 202 : 201, body, headers: { location: `/ops/notification-sends/${sendId}` } };
  },
});

/** GET /ops/notification-sends/{id}: a send's rows and deliveries (pending, delivered, dead), for whoever may send. */
export const getSendRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ops/notification-sends/:id',
  summary: "A notification send's in-app rows and deliveries with their states (operators and administrators)",
  auth: 'bearer',
  params: 'rest/ops/notification-params.json',
  responses: { 200: 'rest/ops/notification-send-status.json' },
  async handler(ctx) {
    await checkSender(ctx.access!);
    const body = await sendResource(ctx.db, await readerOfHome(operationsHome, ctx), ctx.params.id);
    if (!body) throw problems.notFound(`notification send ${ctx.params.id} does not exist`);
    return { status: 200, body };
  },
});

/**
 * GET /ops/notifications: what hp.notification's read rules show the caller (a member their
 * own, operators and administrators all), newest first, by user, channel and read state.
 */
export const listNotificationsRoute = defineRoute<OpsDatabase, unknown, NotificationQuery>({
  method: 'get',
  path: '/ops/notifications',
  summary: "List notifications: a member's own, every one for operators and administrators (hp.notification's record rules), newest first",
  auth: 'bearer',
  query: 'rest/ops/notification-query.json',
  responses: { 200: 'rest/ops/notification-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { query } = ctx;
    await access.check(NOTIFICATION_MODEL, 'read');
    const page = await listNotificationResources(await readerOfHome(operationsHome, ctx), await access.rules(NOTIFICATION_MODEL, 'read', 'n'), {
      ...(query.user_id !== undefined ? { userId: query.user_id } : {}), ...(query.channel ? { channel: query.channel } : {}),
      ...(query.is_read !== undefined ? { isRead: query.is_read } : {}), limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: page };
  },
});

/** GET /ops/notifications/{id}: one the caller's read rules show; another member's is 404, as one that does not exist. */
export const getNotificationRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ops/notifications/:id',
  summary: 'Read one notification (its recipient, operators and administrators)',
  auth: 'bearer',
  params: 'rest/ops/notification-params.json',
  responses: { 200: 'rest/ops/notification.json' },
  async handler(ctx) {
    const rows = await readerOfHome(operationsHome, ctx);
    await checkRecords(ctx.access!, rows, NOTIFICATION_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const notification = await readNotificationResource(rows, ctx.params.id);
    if (!notification) throw problems.notFound(`notification ${ctx.params.id} does not exist`);
    return { status: 200, body: notification };
  },
});

/** action_mark_read's `self.write` on a REST request: the write ACL, then the rules (404 for another member's, as it is not readable), then the UPDATE. */
function restReadStore(rows: Kysely<any>, access: AccessPort): NotificationReadStore {
  return {
    async markRead(ids) {
      await checkRecords(access, rows, NOTIFICATION_MODEL, TABLE, 'write', ids, LABEL);
      await onKysely(rows).raw(MARK_READ_SQL, [ids, access.uid]);
    },
  };
}

/** POST /ops/notifications/{id}/read: hp.notification.action_mark_read (the recipient, operators, administrators), answered with the notification. */
export const markReadRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'post',
  path: '/ops/notifications/:id/read',
  summary: 'Mark a notification read (hp.notification.action_mark_read): its recipient, operators and administrators',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/ops/notification-params.json',
  responses: { 200: 'rest/ops/notification.json' },
  async handler(ctx) {
    const access = ctx.access!;
    return writeInHome(operationsHome, ctx, async (rows) => {
      await asProblems(markNotificationsRead(restReadStore(rows, access), [ctx.params.id]));
      return { status: 200, body: (await readNotificationResource(rows, ctx.params.id))! };
    });
  },
});

export const NOTIFICATION_ROUTES = [listNotificationsRoute, sendNotificationsRoute, getNotificationRoute, markReadRoute, getSendRoute];
