import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_OWN_HOST_MESSAGE, notHostMessage } from '../../../services/biz/domain/live-stream-hosts.ts';
import { LIVE_ENV, startLiveRestStack, useLiveEnv, type LiveRestStack } from './live-rest-stack.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator002: operator, not admin
const COACH = 251; // coach006, hosts seed streams 22 and 25 (scheduled)
const OTHER_COACH = 260; // coach015, hosts seed stream 21 (scheduled)
const MEMBER = 6;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** What CSS computes for a URL of `stream` expiring at `expiresAt` (ISO): the expected signature, independently of the signer. */
const expectedQuery = (key: string, stream: string, expiresAt: string) => {
  const txTime = (Date.parse(expiresAt) / 1000).toString(16).toUpperCase();
  return `txSecret=${md5(key + stream + txTime)}&txTime=${txTime}`;
};

/**
 * M07 over REST on both sides of its cut (svc_biz's write-owner row: legacy, the monolith's
 * live_streams; service, svc_biz's): POST/GET /live-streams with signed Tencent Cloud URLs,
 * go-live/end as hp_live's action_go_live/action_end (same checks and texts), the host rule the
 * monolith lacks, and Tencent's signed live-event callback (refused when expired or tampered,
 * idempotent when replayed). live_started and live_ended land in svc_biz's outbox in both phases.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`live streams over REST, M07 owned by ${owner}`, () => {
    let stack: LiveRestStack;
    let restoreEnv: () => void;
    let seq = 0;
    const rows = () => stack.home(owner);
    const call = (method: string, path: string, uid: number | null, body?: unknown, headers: Record<string, string> = {}) =>
      stack.call(method, path, uid === null ? null : stack.token(uid), body, headers);
    const key = () => ({ 'idempotency-key': `live-${owner}-${Date.now()}-${seq++}` });
    const stream = async (id: number) => (await rows().query('SELECT host_id, state, started_at, ended_at, write_uid, stream_key, currency_id, create_uid FROM live_streams WHERE id = $1', [id])).rows[0];
    const startedEvents = async (id: number) =>
      (await stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'live_started' AND payload->>'subject' = $1`, [`hp.live.stream/${id}`])).rows.map((r) => r.payload);
    const create = async (uid: number, body: Record<string, unknown> = {}) => {
      const created = await call('POST', '/live-streams', uid, { title: `Stretch ${owner} ${seq}`, scheduledAt: '2026-12-20T08:00:00+08:00', ...body }, key());
      expect(created.status).toBe(201);
      return created.body as { id: number; streamKey: string; title: string };
    };
    /** Delivers a CSS push callback for `streamKey`, signed with the callback key for expiry `t` (10 minutes ahead unless given). */
    const callback = (streamKey: string, eventType: 0 | 1, options: { t?: number; sign?: string } = {}) => {
      const t = options.t ?? Math.floor(Date.now() / 1000) + 600;
      const body = {
        app: LIVE_ENV.FICUS_TENCENT_LIVE_PUSH_DOMAIN, appname: 'live', appid: 1250000001, stream_id: streamKey, channel_id: streamKey, event_type: eventType,
        event_time: Math.floor(Date.now() / 1000), sequence: '6674468118806626493', node: '127.0.0.1', user_ip: '127.0.0.1', errcode: 0, errmsg: 'ok',
        t, sign: options.sign ?? md5(LIVE_ENV.FICUS_TENCENT_LIVE_CALLBACK_KEY + t),
      };
      return call('POST', '/live-streams/callbacks/tencent', null, body);
    };

    beforeAll(async () => {
      restoreEnv = useLiveEnv();
      stack = await startLiveRestStack({ owner });
    }, 180_000);
    afterAll(async () => {
      await stack?.stop();
      restoreEnv?.();
    });

    it('POST: a coach schedules a stream hosted by themself; 201, Location, a fresh stream key, push and play URLs signed as CSS computes them; a replay answers the same', async () => {
      const headers = key();
      const body = { title: 'Morning stretch 晨练', scheduledAt: '2026-12-20T08:00:00+08:00' };
      const created = await call('POST', '/live-streams', COACH, body, headers);
      expect(created.status).toBe(201);
      const s = created.body;
      expect(created.headers.get('location')).toBe(`/live-streams/${s.id}`);
      expect(s).toMatchObject({ title: 'Morning stretch 晨练', hostId: COACH, state: 'scheduled', scheduledAt: '2026-12-20T00:00:00Z', startedAt: null, endedAt: null, viewerPeak: 0, revenue: '0', currency: 'CNY' });
      expect(s.streamKey).toMatch(/^live_[0-9a-f]{24}$/);
      expect(Date.parse(s.urlsExpireAt) - Date.now()).toBeGreaterThan(86_000_000);
      expect(s.pushUrl).toBe(`rtmp://livepush.ficus.test/live/${s.streamKey}?${expectedQuery(LIVE_ENV.FICUS_TENCENT_LIVE_PUSH_KEY, s.streamKey, s.urlsExpireAt)}`);
      const play = expectedQuery(LIVE_ENV.FICUS_TENCENT_LIVE_PLAY_KEY, s.streamKey, s.urlsExpireAt);
      expect(s.playUrls).toEqual({
        rtmp: `rtmp://liveplay.ficus.test/live/${s.streamKey}?${play}`, flv: `https://liveplay.ficus.test/live/${s.streamKey}.flv?${play}`,
        hls: `https://liveplay.ficus.test/live/${s.streamKey}.m3u8?${play}`, webrtc: `webrtc://liveplay.ficus.test/live/${s.streamKey}?${play}`,
      });
      // The row is where M07 lives, with hp.live.stream's defaults (the company's currency) and the caller as author.
      const seedCurrency = (await rows().query('SELECT currency_id FROM live_streams WHERE id = 21')).rows[0].currency_id;
      expect(await stream(s.id)).toMatchObject({ host_id: COACH, state: 'scheduled', stream_key: s.streamKey, currency_id: seedCurrency, create_uid: COACH });
      const other = owner === 'legacy' ? stack.service.pool : stack.legacy.pool;
      expect((await other.query('SELECT 1 FROM live_streams WHERE id = $1 AND stream_key = $2', [s.id, s.streamKey])).rows).toEqual([]);
      // The same Idempotency-Key and body: the same answer, no second stream.
      const replay = await call('POST', '/live-streams', COACH, body, headers);
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(s.id);
      expect((await rows().query('SELECT count(*)::int AS n FROM live_streams WHERE title = $1', [body.title])).rows[0].n).toBe(1);
      // The Location resolves, with the push URL for the host.
      const read = await call('GET', `/live-streams/${s.id}`, COACH);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: s.id, streamKey: s.streamKey, pushUrl: expect.stringMatching(/^rtmp:\/\/livepush\.ficus\.test\/live\/live_[0-9a-f]{24}\?txSecret=[0-9a-f]{32}&txTime=[0-9A-F]+$/) });
    });

    it('POST refusals: Idempotency-Key is required, the body validated, hp.live.stream create ACL (members, operators), the host rule; administrators may name the host', async () => {
      expect((await call('POST', '/live-streams', COACH, { title: 'No key' })).status).toBe(400);
      for (const bad of [{}, { title: '' }, { title: '   ' }, { title: 'x', scheduledAt: 'tomorrow' }, { title: 'x', extra: 1 }, { title: 'x', hostId: 0 }]) {
        const refused = await call('POST', '/live-streams', COACH, bad, key());
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
      }
      for (const uid of [MEMBER, OPERATOR]) {
        const denied = await call('POST', '/live-streams', uid, { title: 'Not allowed' }, key());
        expect(denied.status).toBe(403);
        expect(denied.body.detail).toContain('You are not allowed to create');
      }
      const forOther = await call('POST', '/live-streams', COACH, { title: 'In another coach\'s name', hostId: OTHER_COACH }, key());
      expect(forOther.status).toBe(403);
      expect(forOther.body.detail).toBe(NOT_OWN_HOST_MESSAGE);
      expect((await rows().query(`SELECT count(*)::int AS n FROM live_streams WHERE title = 'In another coach''s name'`)).rows[0].n).toBe(0);
      const byAdmin = await create(ADMIN, { hostId: OTHER_COACH });
      expect(await stream(byAdmin.id)).toMatchObject({ host_id: OTHER_COACH, create_uid: ADMIN });
      const nobody = await call('POST', '/live-streams', ADMIN, { title: 'Hosted by nobody', hostId: 999_999 }, key());
      expect(nobody.status).toBe(422);
    });

    it('GET /live-streams/{id}: play URLs for every reader; the push URL for the host, operators and administrators only; 404 for no such stream', async () => {
      const s = await create(COACH);
      for (const uid of [OTHER_COACH, MEMBER]) {
        const read = await call('GET', `/live-streams/${s.id}`, uid);
        expect(read.status).toBe(200);
        expect(read.body.pushUrl).toBeNull();
        expect(read.body.playUrls.hls).toContain(`${s.streamKey}.m3u8?txSecret=`);
      }
      for (const uid of [COACH, OPERATOR, ADMIN]) expect((await call('GET', `/live-streams/${s.id}`, uid)).body.pushUrl).toContain(`/live/${s.streamKey}?txSecret=`);
      expect((await call('GET', '/live-streams/99999999', MEMBER)).status).toBe(404);
      expect((await call('GET', '/live-streams/abc', MEMBER)).status).toBe(400);
      expect((await call('GET', `/live-streams/${s.id}`, null)).status).toBe(401);
    });

    it('GET /live-streams: filters, paging and hp.live.stream\'s order (scheduled_at desc, id desc); items carry play URLs and never a push URL', async () => {
      const live = await call('GET', '/live-streams?state=live&limit=200', MEMBER);
      expect(live.status).toBe(200);
      const expected = (await rows().query(`SELECT id FROM live_streams WHERE state = 'live' ORDER BY scheduled_at DESC, id DESC`)).rows.map((r) => r.id);
      expect(live.body.items.map((i: { id: number }) => i.id)).toEqual(expected);
      expect(live.body.total).toBe(expected.length);
      for (const item of live.body.items) {
        expect(item).not.toHaveProperty('pushUrl');
        expect(item.playUrls.flv).toContain(`${item.streamKey}.flv?txSecret=`);
      }
      const all = (await rows().query('SELECT id FROM live_streams ORDER BY scheduled_at DESC, id DESC')).rows.map((r) => r.id);
      const page = await call('GET', '/live-streams?limit=5&offset=5', COACH);
      expect(page.body).toMatchObject({ total: all.length, limit: 5, offset: 5 });
      expect(page.body.items.map((i: { id: number }) => i.id)).toEqual(all.slice(5, 10));
      const mine = await call('GET', `/live-streams?host_id=${COACH}&scheduled_from=2026-11-30T00:00:00Z&scheduled_to=2026-12-10T00:00:00Z`, MEMBER);
      expect(mine.body.items.map((i: { id: number }) => i.id)).toEqual([25, 22]);
      expect((await call('GET', '/live-streams?state=paused', MEMBER)).status).toBe(400);
      expect((await call('GET', '/live-streams?limit=0', MEMBER)).status).toBe(400);
    });

    it('go-live and end as action_go_live / action_end: started_at, ended_at, live_started, the addon\'s texts as 409', async () => {
      const s = await create(COACH);
      const live = await call('POST', `/live-streams/${s.id}/go-live`, COACH);
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ id: s.id, state: 'live', startedAt: expect.stringMatching(/Z$/), endedAt: null, pushUrl: expect.any(String) });
      expect(await stream(s.id)).toMatchObject({ state: 'live', write_uid: COACH, started_at: expect.anything(), ended_at: null });
      const events = await startedEvents(s.id);
      expect(events.map((e) => e.data)).toEqual([{ streamId: s.id, hostId: COACH, title: s.title, startedAt: live.body.startedAt.replace('Z', '.000Z') }]);
      expect(events[0].source).toBe('/ficus/biz');
      const again = await call('POST', `/live-streams/${s.id}/go-live`, COACH);
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe(`Stream '${s.title}' is not scheduled.`);
      const ended = await call('POST', `/live-streams/${s.id}/end`, COACH);
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ state: 'ended', endedAt: expect.stringMatching(/Z$/) });
      // live_ended with the takings and audience as they stand: the workbench's live revenue.
      const endedEvents = (await stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'live_ended' AND payload->>'subject' = $1`, [`hp.live.stream/${s.id}`])).rows.map((r) => r.payload.data);
      expect(endedEvents).toEqual([{ streamId: s.id, hostId: COACH, startedAt: live.body.startedAt.replace('Z', '.000Z'), endedAt: ended.body.endedAt.replace('Z', '.000Z'), revenue: '0', currency: 'CNY', viewerPeak: null }]);
      const endAgain = await call('POST', `/live-streams/${s.id}/end`, COACH);
      expect(endAgain.status).toBe(409);
      expect(endAgain.body.detail).toBe(`Stream '${s.title}' is not live.`);
      // A scheduled stream cannot end; an ended one cannot go live.
      const other = await create(COACH);
      expect((await call('POST', `/live-streams/${other.id}/end`, COACH)).body.detail).toBe(`Stream '${other.title}' is not live.`);
      expect((await call('POST', `/live-streams/${s.id}/go-live`, COACH)).status).toBe(409);
      expect(await startedEvents(s.id)).toHaveLength(1);
      expect((await call('POST', '/live-streams/99999999/go-live', COACH)).status).toBe(404);
    });

    it('the hole closed: another coach can neither start nor end a coach\'s stream (403, nothing changes); members lack the write ACL; operators and admins may', async () => {
      // Seed stream 21 is scheduled and hosted by OTHER_COACH.
      const refused = await call('POST', '/live-streams/21/go-live', COACH);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toBe(notHostMessage('Diabetes Q&A 控糖直播 · Ep.4'));
      expect(await stream(21)).toMatchObject({ state: 'scheduled', started_at: null });
      expect(await startedEvents(21)).toEqual([]);
      const member = await call('POST', '/live-streams/21/go-live', MEMBER);
      expect(member.status).toBe(403);
      expect(member.body.detail).toContain('You are not allowed to modify');
      expect((await call('POST', '/live-streams/21/go-live', OTHER_COACH)).status).toBe(200);
      expect((await call('POST', '/live-streams/21/end', COACH)).status).toBe(403);
      expect(await stream(21)).toMatchObject({ state: 'live', ended_at: null });
      const byOperator = await call('POST', '/live-streams/21/end', OPERATOR);
      expect(byOperator.status).toBe(200);
      expect(await stream(21)).toMatchObject({ state: 'ended', write_uid: OPERATOR });
      const s = await create(OTHER_COACH);
      expect((await call('POST', `/live-streams/${s.id}/go-live`, ADMIN)).status).toBe(200);
    });

    it('the Tencent callback: a signed push starts the stream once (live_started once), a signed interruption ends it; replays change nothing', async () => {
      const s = await create(COACH);
      const begun = await callback(s.streamKey, 1);
      expect(begun.status).toBe(200);
      expect(begun.body).toEqual({ code: 0, outcome: 'went-live', streamId: s.id });
      expect(await stream(s.id)).toMatchObject({ state: 'live', write_uid: 1, started_at: expect.anything() });
      const startedAt = (await stream(s.id)).started_at;
      expect(await startedEvents(s.id)).toHaveLength(1);
      // The same notification again (CSS retries), and a fresh one of the same push: nothing more.
      const t = Math.floor(Date.now() / 1000) + 600;
      expect((await callback(s.streamKey, 1, { t })).body).toEqual({ code: 0, outcome: 'already-live', streamId: s.id });
      expect((await callback(s.streamKey, 1, { t })).body).toEqual({ code: 0, outcome: 'already-live', streamId: s.id });
      expect(await startedEvents(s.id)).toHaveLength(1);
      expect((await stream(s.id)).started_at).toEqual(startedAt);
      const ended = await callback(s.streamKey, 0);
      expect(ended.body).toEqual({ code: 0, outcome: 'ended', streamId: s.id });
      expect(await stream(s.id)).toMatchObject({ state: 'ended', ended_at: expect.anything() });
      expect((await callback(s.streamKey, 0)).body).toEqual({ code: 0, outcome: 'already-ended', streamId: s.id });
      // A push after the end does not reopen it (hp_live has no ended → live).
      expect((await callback(s.streamKey, 1)).body).toEqual({ code: 0, outcome: 'ignored', streamId: s.id });
      expect((await callback('live_not_ours_123', 1)).body).toEqual({ code: 0, outcome: 'ignored', streamId: null });
    });

    it('concurrent starts of one stream (REST and callbacks racing): exactly one goes live, one live_started; the others see it live', async () => {
      const s = await create(COACH);
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, () => call('POST', `/live-streams/${s.id}/go-live`, COACH)),
        ...Array.from({ length: 4 }, () => callback(s.streamKey, 1)),
      ]);
      const wentLive = answers.filter((a) => a.status === 200 && (a.body.outcome === undefined || a.body.outcome === 'went-live'));
      expect(wentLive).toHaveLength(1);
      for (const a of answers.filter((x) => !wentLive.includes(x))) {
        if (a.body.outcome !== undefined) expect(a.body).toEqual({ code: 0, outcome: 'already-live', streamId: s.id });
        else expect([a.status, a.body.detail]).toEqual([409, `Stream '${s.title}' is not scheduled.`]);
      }
      expect(await startedEvents(s.id)).toHaveLength(1);
    });

    it('the Tencent callback refuses an expired or tampered notification with 403 problem+json, and changes nothing', async () => {
      const s = await create(COACH);
      const past = Math.floor(Date.now() / 1000) - 1;
      const future = Math.floor(Date.now() / 1000) + 600;
      const tampered = md5(LIVE_ENV.FICUS_TENCENT_LIVE_CALLBACK_KEY + future).replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const refusals = [
        await callback(s.streamKey, 1, { t: past }),
        await callback(s.streamKey, 1, { t: future, sign: tampered }),
        await callback(s.streamKey, 1, { t: future + 1, sign: md5(LIVE_ENV.FICUS_TENCENT_LIVE_CALLBACK_KEY + future) }),
        await callback(s.streamKey, 1, { t: future, sign: md5(`another-key${future}`) }),
        await callback(s.streamKey, 1, { t: future + 86_400 }),
        await callback(s.streamKey, 1, { t: future, sign: 'not-a-signature' }),
      ];
      for (const refused of refusals) {
        expect(refused.status).toBe(403);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.type).toBe('https://ficus.dev/problems/callback-signature');
        expect(refused.text).not.toContain(LIVE_ENV.FICUS_TENCENT_LIVE_CALLBACK_KEY);
        expect(refused.text).not.toContain(md5(LIVE_ENV.FICUS_TENCENT_LIVE_CALLBACK_KEY + future));
      }
      expect(await stream(s.id)).toMatchObject({ state: 'scheduled', started_at: null, write_uid: COACH });
      expect(await startedEvents(s.id)).toEqual([]);
      // Missing fields are a malformed request.
      expect((await call('POST', '/live-streams/callbacks/tencent', null, { stream_id: s.streamKey, event_type: 1 })).status).toBe(400);
    });

    it('without CSS settings: streams are created without URLs, and callbacks answer 503', async () => {
      const saved = { ...process.env };
      delete process.env.FICUS_TENCENT_LIVE_PUSH_KEY;
      delete process.env.FICUS_TENCENT_LIVE_CALLBACK_KEY;
      try {
        const s = await create(COACH);
        expect(s).toMatchObject({ pushUrl: null, playUrls: null, urlsExpireAt: null, streamKey: expect.stringMatching(/^live_/) });
        const refused = await callback(s.streamKey, 1);
        expect(refused.status).toBe(503);
        expect(await stream(s.id)).toMatchObject({ state: 'scheduled' });
      } finally {
        process.env.FICUS_TENCENT_LIVE_PUSH_KEY = saved.FICUS_TENCENT_LIVE_PUSH_KEY;
        process.env.FICUS_TENCENT_LIVE_CALLBACK_KEY = saved.FICUS_TENCENT_LIVE_CALLBACK_KEY;
      }
    });
  });
}
