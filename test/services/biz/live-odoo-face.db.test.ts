import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_OWN_HOST_MESSAGE, notHostMessage } from '../../../services/biz/domain/live-stream-hosts.ts';
import { odooErrorOf } from './community-sides.ts';
import { useLiveEnv } from './live-rest-stack.ts';
import { startLiveSide, type LiveSide } from './live-sides.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator002: operator, not admin
const COACH = 251; // hosts seed streams 22 and 25 (scheduled)
const OTHER_COACH = 260; // hosts seed stream 21 (scheduled) and 15 (ended)
const MEMBER = 6;
const MODEL = 'hp.live.stream';

/**
 * hp_live's business methods as Odoo clients see them, on both sides of M07's cut:
 * action_go_live / action_end with the addon's state checks, texts, classes and order, the
 * stamps they write, live_started in svc_biz's outbox after cutover only (the monolith publishes
 * nothing), and the host rule the monolith lacks on create, write and both methods (an
 * AccessError; nothing written). REST and RPC move the same rows.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.live.stream over Odoo RPC, M07 ${owner === 'legacy' ? 'in phase legacy (monolith tables, embedded engine)' : 'after cutover (svc_biz)'}`, () => {
    let side: LiveSide;
    let restoreEnv: () => void;
    const rpc = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, MODEL, method, args, kwargs);
    const rows = () => side.stack.home(owner);
    const stream = async (id: number) => (await rows().query('SELECT title, host_id, state, started_at, ended_at, write_uid, currency_id FROM live_streams WHERE id = $1', [id])).rows[0];
    const startedEvents = async (id: number) =>
      (await side.stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'live_started' AND payload->>'subject' = $1`, [`hp.live.stream/${id}`])).rows.map((r) => r.payload);
    const newStream = async (uid: number, vals: Record<string, unknown> = {}) => (await rpc(uid, 'create', [{ title: `RPC stream ${Date.now()}`, host_id: uid, ...vals }])) as number;

    beforeAll(async () => {
      restoreEnv = useLiveEnv();
      side = await startLiveSide(owner);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
      restoreEnv?.();
    });

    it('create: the addon\'s defaults (scheduled, the company currency), no stream key; action_go_live then action_end stamp started_at and ended_at, True', async () => {
      const id = await newStream(COACH, { title: 'Yoga over RPC' });
      const seedCurrency = (await stream(21)).currency_id;
      expect(await rpc(COACH, 'read', [[id], ['state', 'stream_key', 'currency_id', 'started_at']])).toEqual([
        { id, state: 'scheduled', stream_key: false, currency_id: [seedCurrency, expect.any(String)], started_at: false },
      ]);
      expect(await rpc(COACH, 'action_go_live', [[id]])).toBe(true);
      const live = await stream(id);
      expect(live).toMatchObject({ state: 'live', write_uid: COACH, ended_at: null });
      expect(live.started_at).toBeInstanceOf(Date);
      expect(await rpc(COACH, 'action_end', [[id]])).toBe(true);
      expect(await stream(id)).toMatchObject({ state: 'ended', started_at: live.started_at, ended_at: expect.any(Date) });
      // live_started from svc_biz's outbox after cutover; the monolith announced nothing.
      const events = await startedEvents(id);
      if (owner === 'service') {
        expect(events.map((e) => e.data)).toEqual([{ streamId: id, hostId: COACH, title: 'Yoga over RPC', startedAt: expect.stringMatching(/Z$/) }]);
      } else {
        expect(events).toEqual([]);
      }
    });

    it('refuses as hp_live does: UserError with its texts, the first stream in the recordset\'s order, nothing written', async () => {
      const [a, b] = [await newStream(COACH, { title: 'First' }), await newStream(COACH, { title: 'Second' })];
      expect(await odooErrorOf(rpc(COACH, 'action_end', [[a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: "Stream 'First' is not live." });
      await rpc(COACH, 'action_go_live', [[b]]);
      // [a, b]: a is scheduled, b is live: refused on b, and a stays scheduled (one transaction).
      expect(await odooErrorOf(rpc(COACH, 'action_go_live', [[a, b]]))).toEqual({ name: 'odoo.exceptions.UserError', message: "Stream 'Second' is not scheduled." });
      expect(await stream(a)).toMatchObject({ state: 'scheduled', started_at: null });
      // A duplicate id is checked twice and written once.
      expect(await rpc(COACH, 'action_go_live', [[a, a]])).toBe(true);
      expect(await stream(a)).toMatchObject({ state: 'live' });
      if (owner === 'service') expect(await startedEvents(a)).toHaveLength(1);
      // Deleted ids: MissingError, as reading `stream.state` does.
      expect((await odooErrorOf(rpc(COACH, 'action_go_live', [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
      // The empty recordset passes the loop; `self.write` still checks the write ACL.
      expect(await rpc(COACH, 'action_go_live', [[]])).toBe(true);
      expect((await odooErrorOf(rpc(MEMBER, 'action_go_live', [[]]))).name).toBe('odoo.exceptions.AccessError');
    });

    it('the hole closed on RPC: another coach can neither start, end, edit nor create a stream for a coach (AccessError, nothing written); members lack the ACL; operators and admins manage any', async () => {
      const refusal = await odooErrorOf(rpc(COACH, 'action_go_live', [[21]]));
      expect(refusal).toEqual({ name: 'odoo.exceptions.AccessError', message: notHostMessage('Diabetes Q&A 控糖直播 · Ep.4') });
      expect(await stream(21)).toMatchObject({ state: 'scheduled', started_at: null });
      expect((await odooErrorOf(rpc(COACH, 'write', [[21], { title: 'Hijacked' }]))).message).toBe(notHostMessage('Diabetes Q&A 控糖直播 · Ep.4'));
      expect((await odooErrorOf(rpc(COACH, 'write', [[22, 21], { viewer_peak: 5 }]))).name).toBe('odoo.exceptions.AccessError');
      expect(await stream(22)).toMatchObject({ title: 'HIIT Together 一起燃脂 · Ep.4' });
      expect((await odooErrorOf(rpc(COACH, 'create', [{ title: 'For someone else', host_id: OTHER_COACH }]))).message).toBe(NOT_OWN_HOST_MESSAGE);
      expect((await rows().query(`SELECT count(*)::int AS n FROM live_streams WHERE title = 'For someone else'`)).rows[0].n).toBe(0);
      const member = await odooErrorOf(rpc(MEMBER, 'action_go_live', [[21]]));
      expect(member.name).toBe('odoo.exceptions.AccessError');
      expect(member.message).toContain('You are not allowed to modify');
      // The host may, on their own stream; an operator and an admin on anyone's.
      expect(await rpc(COACH, 'write', [[22], { viewer_peak: 12 }])).toBe(true);
      expect(await rpc(OTHER_COACH, 'action_go_live', [[21]])).toBe(true);
      expect(await rpc(OPERATOR, 'action_end', [[21]])).toBe(true);
      expect(await stream(21)).toMatchObject({ state: 'ended', write_uid: OPERATOR });
      expect(await rpc(ADMIN, 'action_go_live', [[22]])).toBe(true);
      const forCoach = await newStream(ADMIN, { host_id: OTHER_COACH, title: 'Scheduled by the admin' });
      expect(await stream(forCoach)).toMatchObject({ host_id: OTHER_COACH });
    });

    it('RPC and REST move the same rows with the same rules: started over RPC, refused and ended over REST', async () => {
      const id = await newStream(OTHER_COACH, { title: 'Both protocols' });
      await rpc(OTHER_COACH, 'action_go_live', [[id]]);
      const token = (uid: number) => side.stack.token(uid);
      const again = await side.stack.call('POST', `/live-streams/${id}/go-live`, token(OTHER_COACH));
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe("Stream 'Both protocols' is not scheduled.");
      expect((await side.stack.call('POST', `/live-streams/${id}/end`, token(COACH))).status).toBe(403);
      expect((await side.stack.call('POST', `/live-streams/${id}/end`, token(OTHER_COACH))).status).toBe(200);
      expect(await odooErrorOf(rpc(OTHER_COACH, 'action_end', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: "Stream 'Both protocols' is not live." });
    });
  });
}
