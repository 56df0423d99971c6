import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odooErrorOf, startRiskSide, type RiskSide } from './risk-sides.ts';

const ADMIN = 2; // partner with an e-mail, no phone
const OPERATOR = 302;
const MEMBER = 6; // member001: e-mail and phone
const OTHER_MEMBER = 7; // member002
const MEMBERS = [6, 7, 8, 9, 29, 53];
const MODEL = 'hp.notification';

/**
 * hp_operations's notifications on both sides of M17's cut: POST /ops/notifications (operators
 * and administrators) writes the hp.notification rows where M17 lives and queues e-mail, SMS and
 * push deliveries in svc_ops that the local channels deliver after the commit; Idempotency-Key
 * replays; GET /ops/notifications and action_mark_read give RPC's answers over REST; and a member
 * never sees nor marks another's notification on either protocol.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`notifications over REST and RPC, M17 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ops)'}`, () => {
    let side: RiskSide;
    const rpc = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, MODEL, method, args, kwargs);
    const rest = (method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>) =>
      side.stack.call(method, path, uid === null ? null : side.stack.token(uid), body, headers);
    const rows = () => side.stack.home(owner);
    const rowsTitled = async (title: string) =>
      (await rows().query('SELECT id, user_id, channel, body, is_read, sent_at, create_uid FROM notifications WHERE title = $1 ORDER BY id', [title])).rows;
    let keys = 0;
    const key = () => ({ 'idempotency-key': `notify-${owner}-${Date.now()}-${++keys}` });
    const send = (uid: number, body: unknown, headers = key()) => rest('POST', '/ops/notifications', uid, body, headers);
    /** The send's status once no delivery is pending any more (the dispatcher runs after the commit). */
    const settled = async (location: string) => {
      for (let i = 0; i < 100; i++) {
        const status = await rest('GET', location, OPERATOR);
        if (status.body.deliveries.every((d: { state: string }) => d.state !== 'pending')) return status.body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('deliveries still pending after 10 s');
    };

    beforeAll(async () => {
      side = await startRiskSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('a send to three users on four channels: nine hp.notification rows where M17 lives, nine deliveries delivered by the local channels (none without an address), 202 and a Location', async () => {
      const title = `Maintenance tonight ${owner}`;
      const answer = await send(OPERATOR, { userIds: [MEMBER, OTHER_MEMBER, ADMIN, MEMBER], channels: ['app', 'email', 'sms', 'push'], title, body: 'The app is down 01:00–02:00.' });
      expect(answer.status).toBe(202);
      expect(answer.headers.get('location')).toBe(`/ops/notification-sends/${answer.body.id}`);
      expect(answer.body).toMatchObject({ sentBy: OPERATOR, title, channels: ['app', 'email', 'sms', 'push'], userIds: [MEMBER, OTHER_MEMBER, ADMIN] });
      const written = await rowsTitled(title);
      expect(written.map((r) => [r.user_id, r.channel])).toEqual([MEMBER, OTHER_MEMBER, ADMIN].flatMap((u) => ['app', 'email', 'sms'].map((c) => [u, c])));
      expect(written.every((r) => r.is_read === false && r.sent_at instanceof Date && r.create_uid === OPERATOR && r.body === 'The app is down 01:00–02:00.')).toBe(true);
      expect(answer.body.notificationIds).toEqual(written.map((r) => r.id));
      expect(answer.body.notifications.map((n: { id: number }) => n.id)).toEqual(written.map((r) => r.id));

      const status = await settled(answer.headers.get('location')!);
      const outcome = status.deliveries.map((d: { userId: number; channel: string; state: string; lastError: string | null; attempts: number; notificationId: number | null }) => [d.userId, d.channel, d.state, d.lastError, d.attempts, d.notificationId]);
      const rowOf = (u: number, c: string) => written.find((r) => r.user_id === u && r.channel === c)?.id ?? null;
      expect(outcome).toEqual([MEMBER, OTHER_MEMBER, ADMIN].flatMap((u) => ['email', 'sms', 'push'].map((c) =>
        u === ADMIN && c === 'sms' ? [u, c, 'dead', 'no_address', 1, rowOf(u, c)] : [u, c, 'delivered', null, 1, c === 'push' ? null : rowOf(u, c)])));
      const providerIds = (await side.stack.service.pool.query('SELECT id, channel, provider_message_id FROM notification_deliveries WHERE send_id = $1 AND state = $2', [answer.body.id, 'delivered'])).rows;
      expect(providerIds.every((d) => d.provider_message_id === `local:${d.channel}:${d.id}`)).toBe(true);
    });

    it('Idempotency-Key: the same send again answers the first answer and notifies nobody twice; it is required; app only is 201 with nothing to deliver', async () => {
      const title = `Replayed ${owner}`;
      const headers = key();
      const first = await send(OPERATOR, { userIds: [OTHER_MEMBER], channels: ['app', 'push'], title }, headers);
      const again = await send(OPERATOR, { userIds: [OTHER_MEMBER], channels: ['app', 'push'], title }, headers);
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(first.body.id);
      expect(await rowsTitled(title)).toHaveLength(1);
      expect((await side.stack.service.pool.query('SELECT count(*)::int AS n FROM notification_sends WHERE title = $1', [title])).rows[0].n).toBe(1);
      expect((await rest('POST', '/ops/notifications', OPERATOR, { userIds: [MEMBER], title })).status).toBe(400);
      const appOnly = await send(ADMIN, { userIds: [MEMBER], title: `In-app ${owner}` });
      expect(appOnly.status).toBe(201);
      expect(appOnly.body.deliveries).toEqual([]);
      expect(appOnly.body.notifications).toEqual([expect.objectContaining({ userId: MEMBER, channel: 'app', isRead: false, body: null })]);
    });

    it('who sends: operators and administrators (hp.notification create ACL); a member is 403 over REST and AccessError over RPC; unknown users 422; bad input 400; nothing written', async () => {
      const title = `Refused ${owner}`;
      const byMember = await send(MEMBER, { userIds: [OTHER_MEMBER], title });
      expect(byMember.status).toBe(403);
      expect(byMember.headers.get('content-type')).toContain('application/problem+json');
      expect((await odooErrorOf(rpc(MEMBER, 'create', [{ user_id: OTHER_MEMBER, title }]))).name).toBe('odoo.exceptions.AccessError');
      const unknown = await send(OPERATOR, { userIds: [OTHER_MEMBER, 99999999], channels: ['app', 'email'], title });
      expect(unknown.status).toBe(422);
      expect(unknown.body.detail).toContain('99999999');
      for (const body of [{ userIds: [], title }, { userIds: [MEMBER], title: '' }, { userIds: [MEMBER], title, channels: ['fax'] }, { userIds: [MEMBER], title, channels: ['app', 'app'] }, { userIds: ['6'], title }]) {
        expect((await send(OPERATOR, body)).status, JSON.stringify(body)).toBe(400);
      }
      expect(await rowsTitled(title)).toEqual([]);
      expect((await side.stack.service.pool.query('SELECT count(*)::int AS n FROM notification_sends WHERE title = $1', [title])).rows[0].n).toBe(0);
    });

    it('GET /ops/notifications: a member sees their own, as RPC search_read shows them (order, filters, paging); operators see all', async () => {
      const mine = (await rpc(MEMBER, 'search_read', [[]], { fields: ['id', 'user_id'] })) as { id: number; user_id: [number, string] }[];
      const all = (await rows().query('SELECT count(*)::int AS n, count(*) FILTER (WHERE user_id = $1)::int AS own FROM notifications', [MEMBER])).rows[0];
      expect(mine.length).toBe(all.own);
      expect(mine.every((n) => n.user_id[0] === MEMBER)).toBe(true);
      const page = await rest('GET', '/ops/notifications?limit=200', MEMBER);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(all.own);
      expect(page.body.items.map((n: { id: number }) => n.id)).toEqual(mine.map((n) => n.id));
      // Asking for another's: nothing, not an error (the rule filters).
      expect((await rest('GET', `/ops/notifications?user_id=${OTHER_MEMBER}`, MEMBER)).body).toMatchObject({ items: [], total: 0 });
      const unread = (await rpc(MEMBER, 'search', [[['is_read', '=', false]]])) as number[];
      expect((await rest('GET', '/ops/notifications?is_read=false&limit=200', MEMBER)).body.items.map((n: { id: number }) => n.id)).toEqual(unread);
      const operatorPage = await rest('GET', '/ops/notifications?limit=5&offset=5', OPERATOR);
      expect(operatorPage.body.total).toBe(all.n);
      const operatorIds = (await rpc(OPERATOR, 'search', [[]], { limit: 5, offset: 5 })) as number[];
      expect(operatorPage.body.items.map((n: { id: number }) => n.id)).toEqual(operatorIds);
      expect((await rest('GET', '/ops/notifications?channel=push', MEMBER)).status).toBe(400);
    });

    it('action_mark_read: the recipient on either protocol, the same row written; another member\'s is 404 over REST and AccessError over RPC, unchanged', async () => {
      const title = `Mark me ${owner}`;
      const sent = await send(OPERATOR, { userIds: [MEMBER, OTHER_MEMBER], channels: ['app', 'email'], title });
      const [mineApp, mineEmail, theirsApp] = [sent.body.notifications[0].id, sent.body.notifications[1].id, sent.body.notifications[2].id] as number[];
      const viaRest = await rest('POST', `/ops/notifications/${mineApp}/read`, MEMBER);
      expect(viaRest.status).toBe(200);
      expect(viaRest.body).toMatchObject({ id: mineApp, userId: MEMBER, isRead: true });
      expect(await rpc(MEMBER, 'action_mark_read', [[mineEmail]])).toBe(true);
      const written = await rows().query('SELECT id, is_read, write_uid FROM notifications WHERE id = ANY($1) ORDER BY id', [[mineApp, mineEmail, theirsApp]]);
      expect(written.rows).toEqual([{ id: mineApp, is_read: true, write_uid: MEMBER }, { id: mineEmail, is_read: true, write_uid: MEMBER }, { id: theirsApp, is_read: false, write_uid: OPERATOR }]);
      expect((await rest('POST', `/ops/notifications/${theirsApp}/read`, MEMBER)).status).toBe(404);
      expect((await rest('GET', `/ops/notifications/${theirsApp}`, MEMBER)).status).toBe(404);
      expect((await odooErrorOf(rpc(MEMBER, 'action_mark_read', [[theirsApp]]))).name).toBe('odoo.exceptions.AccessError');
      expect((await odooErrorOf(rpc(MEMBER, 'read', [[theirsApp], ['title']]))).name).toBe('odoo.exceptions.AccessError');
      expect((await rows().query('SELECT is_read FROM notifications WHERE id = $1', [theirsApp])).rows[0].is_read).toBe(false);
      // An operator marks anyone's; marking twice is harmless on both protocols.
      expect(await rpc(OPERATOR, 'action_mark_read', [[theirsApp, theirsApp]])).toBe(true);
      expect((await rest('POST', `/ops/notifications/${theirsApp}/read`, OPERATOR)).body.isRead).toBe(true);
      // A deleted id: REST has no such resource (404). Odoo's write reads the records only to apply a
      // rule naming fields: a member's write (user_id = uid) meets MissingError, an operator's (rule
      // 1 = 1) writes nothing and answers True, as the engine does after Odoo 18's models.py.
      expect((await rest('POST', '/ops/notifications/99999999/read', OPERATOR)).status).toBe(404);
      expect((await rest('POST', '/ops/notifications/99999999/read', MEMBER)).status).toBe(404);
      expect((await odooErrorOf(rpc(MEMBER, 'action_mark_read', [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
      expect(await rpc(OPERATOR, 'action_mark_read', [[99999999]])).toBe(true);
    });

    it('property: whatever member asks for whatever notification, REST shows it only to its recipient and RPC likewise', async () => {
      const ids = (await rows().query<{ id: number; user_id: number }>('SELECT id, user_id FROM notifications WHERE user_id = ANY($1) ORDER BY id', [MEMBERS])).rows;
      expect(ids.length).toBeGreaterThan(MEMBERS.length);
      await fc.assert(fc.asyncProperty(fc.constantFrom(...MEMBERS), fc.constantFrom(...ids), async (viewer, notification) => {
        const own = notification.user_id === viewer;
        const viaRest = await rest('GET', `/ops/notifications/${notification.id}`, viewer);
        expect(viaRest.status).toBe(own ? 200 : 404);
        if (own) expect(viaRest.body.userId).toBe(viewer);
        const viaRpc = await rpc(viewer, 'read', [[notification.id], ['user_id']]).then((r) => (r as { user_id: [number, string] }[])[0]!.user_id[0], async (e) => (await odooErrorOf(Promise.reject(e))).name);
        expect(viaRpc).toBe(own ? viewer : 'odoo.exceptions.AccessError');
        const listed = (await rpc(viewer, 'search', [[['id', '=', notification.id]]])) as number[];
        expect(listed).toEqual(own ? [notification.id] : []);
      }), { numRuns: 30 });
    });
  });
}
