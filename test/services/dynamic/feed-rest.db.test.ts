import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceRoster } from '../../../services/catalog.ts';
import { TRENDING_HALF_LIFE_HOURS } from '../../../services/dynamic/domain/trending.ts';
import { restClient, startDynamicStack, type DynamicStack } from './support/dynamic-stack.ts';

// Users of the legacy database (README): members 6..9, coach 246, operator 302 (not admin),
// admin 2 (hp admin: every ACL, operator rules).
const MEMBER = 6;
const OTHER = 7;
const COACH = 246;
const OPERATOR = 302;
const ADMIN = 2;

let stack: DynamicStack;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  stack = await startDynamicStack({ owner: 'service' });
  call = restClient(stack.baseUrl);
}, 180_000);
afterAll(async () => stack?.stop());

const as = (uid: number) => stack.token(uid);
const service = () => stack.token(ADMIN, ['service']);
const svc = () => stack.copy.service.pool;

/** A user's visible feed entry ids, newest first, straight from svc_dynamic (the oracle for paging). */
async function visibleEntries(userId: number): Promise<number[]> {
  const { rows } = await svc().query(
    `SELECT f.id FROM user_feeds f JOIN activities a ON a.id = f.activity_id
      WHERE f.user_id = $1 AND (a.visibility <> 'private' OR a.actor_id = $1)
      ORDER BY coalesce(f.create_date, '-infinity') DESC, f.id DESC`, [userId]);
  return rows.map((r) => r.id);
}

async function walk(userId: number, token: string, query: string): Promise<{ ids: number[]; pages: any[] }> {
  const ids: number[] = [];
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await call('GET', `/users/${userId}/feed?${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
    expect(page.status).toBe(200);
    pages.push(page.body);
    ids.push(...page.body.items.map((i: any) => i.entryId));
    cursor = page.body.nextCursor;
  } while (cursor);
  return { ids, pages };
}

describe('GET /users/{id}/feed', () => {
  it('answers only a bearer of the feed\'s owner or an operator, in problem+json otherwise', async () => {
    const anonymous = await call('GET', `/users/${MEMBER}/feed`, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const other = await call('GET', `/users/${MEMBER}/feed`, as(OTHER));
    expect(other.status).toBe(403);
    // The same 403 for an id that does not exist: a member learns nothing about other ids.
    expect((await call('GET', '/users/987654/feed', as(OTHER))).status).toBe(403);
    expect((await call('GET', `/users/${MEMBER}/feed`, as(OPERATOR))).status).toBe(200);
    expect((await call('GET', '/users/987654/feed', as(OPERATOR))).status).toBe(404);
    const bad = await call('GET', `/users/${MEMBER}/feed?limit=0&order=random`, as(MEMBER));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.pointer).sort()).toEqual(['/query/limit', '/query/order']);
    expect((await call('GET', `/users/${MEMBER}/feed?cursor=bm90LWEtY3Vyc29y`, as(MEMBER))).status).toBe(400);
  });

  it('pages newest first through every entry the owner may see, each once, whatever arrives meanwhile', async () => {
    const expected = await visibleEntries(MEMBER);
    expect(expected.length).toBeGreaterThan(10);
    // The monolith's seed put other members' private activities into this feed: they never show.
    const hidden = await svc().query(`SELECT count(*)::int AS n FROM user_feeds f JOIN activities a ON a.id = f.activity_id WHERE f.user_id = $1 AND a.visibility = 'private' AND a.actor_id <> $1`, [MEMBER]);
    const ids: number[] = [];
    let cursor: string | null = null;
    let added = 0;
    do {
      const page: any = await call('GET', `/users/${MEMBER}/feed?limit=4${cursor ? `&cursor=${cursor}` : ''}`, as(MEMBER));
      ids.push(...page.body.items.map((i: any) => i.entryId));
      for (const item of page.body.items) expect(item.activity.visibility !== 'private' || item.activity.actorId === MEMBER).toBe(true);
      cursor = page.body.nextCursor;
      // New entries arrive at the top between pages.
      const created = await call('POST', '/activities', service(), { actorId: COACH, verb: 'posted', summary: `tip ${added++}`, audienceIds: [MEMBER] });
      expect(created.status).toBe(201);
    } while (cursor);
    expect(ids).toEqual(expected);
    expect(hidden.rows[0].n + ids.length).toBe((await svc().query('SELECT count(*)::int AS n FROM user_feeds WHERE user_id = $1', [MEMBER])).rows[0].n - added);
  });

  it('ranks by score × the owner\'s verb weight in relevance order; weights of 0 and muted actors hide; an old relevance cursor is refused', async () => {
    const first = await call('GET', `/users/${OTHER}/feed?order=relevance&limit=3`, as(OTHER));
    const put = await call('PUT', `/users/${OTHER}/preferences`, as(OTHER), { verbWeights: { liked: 3, commented: 0 }, mutedActorIds: [COACH] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ userId: OTHER, verbWeights: { liked: 3, commented: 0 }, mutedActorIds: [COACH], version: 1 });
    const stale = await call('GET', `/users/${OTHER}/feed?order=relevance&limit=3&cursor=${first.body.nextCursor}`, as(OTHER));
    expect(stale.status).toBe(409);
    expect(stale.body.type).toBe('https://ficus.dev/problems/stale-cursor');
    const { pages } = await walk(OTHER, as(OTHER), 'order=relevance&limit=5');
    const items = pages.flatMap((p) => p.items);
    const rank = (i: any) => (i.score ?? 0) * (i.activity.verb === 'liked' ? 3 : 1);
    for (let k = 1; k < items.length; k++) {
      expect(rank(items[k - 1]) > rank(items[k]) || (rank(items[k - 1]) === rank(items[k]) && items[k - 1].entryId > items[k].entryId)).toBe(true);
    }
    expect(items.some((i) => i.activity.verb === 'commented' || i.activity.actorId === COACH)).toBe(false);
    const all = await visibleEntries(OTHER);
    const shown = new Set(items.map((i) => i.entryId));
    const left = await svc().query(`SELECT f.id FROM user_feeds f JOIN activities a ON a.id = f.activity_id WHERE f.id = ANY($1) AND a.verb <> 'commented' AND a.actor_id <> $2`, [all, COACH]);
    expect(shown).toEqual(new Set(left.rows.map((r) => r.id)));
    expect((await call('PUT', `/users/${OTHER}/preferences`, as(MEMBER), { verbWeights: {} })).status).toBe(403);
    expect((await call('PUT', `/users/${OTHER}/preferences`, as(OTHER), { verbWeights: { shouted: 2 } })).status).toBe(400);
    expect((await call('GET', `/users/${OTHER}/preferences`, as(OPERATOR))).body.version).toBe(1);
  });
});

describe('marking entries seen (REST and hp.user.feed.action_mark_seen: one domain function)', () => {
  it('marks the owner\'s entries, stamps them as the ORM would, and the very next read shows the marker', async () => {
    const before = await call('GET', `/users/${MEMBER}/feed?limit=20`, as(MEMBER));
    const unseen = before.body.items.filter((i: any) => !i.seen).map((i: any) => i.entryId).slice(0, 3);
    expect(unseen.length).toBe(3);
    const marked = await call('POST', `/users/${MEMBER}/feed/seen`, as(MEMBER), { entryIds: unseen });
    expect(marked).toMatchObject({ status: 200, body: { userId: MEMBER, entryIds: unseen, seen: true } });
    const rows = await svc().query('SELECT id, seen, write_uid FROM user_feeds WHERE id = ANY($1) ORDER BY id', [unseen]);
    expect(rows.rows.every((r) => r.seen && r.write_uid === MEMBER)).toBe(true);
    const after = await call('GET', `/users/${MEMBER}/feed?limit=20`, as(MEMBER));
    expect(after.body.items.filter((i: any) => unseen.includes(i.entryId)).every((i: any) => i.seen)).toBe(true);
    // PUT on one entry: the same, and idempotent.
    const one = before.body.items.find((i: any) => !i.seen && !unseen.includes(i.entryId)).entryId;
    expect((await call('PUT', `/users/${MEMBER}/feed/${one}/seen`, as(MEMBER))).status).toBe(200);
    expect((await call('PUT', `/users/${MEMBER}/feed/${one}/seen`, as(MEMBER))).status).toBe(200);
  });

  it('refuses what Odoo refuses (another member\'s feed: 403; an entry outside the path\'s feed: 404) and allows what it allows (an operator: the operator rule)', async () => {
    const mine = (await svc().query('SELECT id FROM user_feeds WHERE user_id = $1 AND NOT seen ORDER BY id LIMIT 2', [MEMBER])).rows.map((r) => r.id);
    const theirs = (await svc().query('SELECT id FROM user_feeds WHERE user_id = $1 ORDER BY id LIMIT 1', [OTHER])).rows[0].id;
    expect((await call('POST', `/users/${MEMBER}/feed/seen`, as(OTHER), { entryIds: [mine[0]] })).status).toBe(403);
    const outside = await call('POST', `/users/${MEMBER}/feed/seen`, as(MEMBER), { entryIds: [mine[0], theirs] });
    expect(outside.status).toBe(404);
    expect((await svc().query('SELECT seen FROM user_feeds WHERE id = $1', [mine[0]])).rows[0].seen).toBe(false); // nothing half-done
    // Over RPC, another member's entry is an AccessError (the member rule), an operator's mark succeeds (the operator rule).
    const rpc = (uid: number, ids: number[]) => stack.serviceEngine.call({ database: 'hp_legacy', uid, model: 'hp.user.feed', method: 'action_mark_seen', args: [ids], kwargs: {} }).catch((e: unknown) => e) as Promise<any>;
    expect((await rpc(OTHER, [mine[0]])).exceptionName).toBe('odoo.exceptions.AccessError');
    expect(await rpc(OPERATOR, [mine[0]])).toBe(true);
    expect((await call('POST', `/users/${MEMBER}/feed/seen`, as(OPERATOR), { entryIds: [mine[1]] })).status).toBe(200);
    expect((await svc().query('SELECT id, seen, write_uid FROM user_feeds WHERE id = ANY($1) ORDER BY id', [mine])).rows).toEqual([
      { id: mine[0], seen: true, write_uid: OPERATOR }, { id: mine[1], seen: true, write_uid: OPERATOR },
    ]);
    expect((await call('POST', `/users/${MEMBER}/feed/seen`, as(ADMIN), { entryIds: [mine[0]] })).status).toBe(200);
    expect((await call('POST', `/users/${MEMBER}/feed/seen`, as(MEMBER), { entryIds: [] })).status).toBe(400);
  });

  it('a mark made over Odoo RPC (the engine over svc_dynamic) shows in the very next REST read, although the page was cached', async () => {
    const page = await call('GET', `/users/${OTHER}/feed?limit=20`, as(OTHER));
    const entry = page.body.items.find((i: any) => !i.seen).entryId;
    expect(await stack.serviceEngine.call({ database: 'hp_legacy', uid: OTHER, model: 'hp.user.feed', method: 'action_mark_seen', args: [[entry]], kwargs: {} })).toBe(true);
    const next = await call('GET', `/users/${OTHER}/feed?limit=20`, as(OTHER));
    expect(next.body.items.find((i: any) => i.entryId === entry).seen).toBe(true);
  });
});

describe('POST /activities (service tokens) and GET /activities/{id}', () => {
  it('needs the service scope, and valid input', async () => {
    const body = { actorId: COACH, verb: 'went_live', summary: 'live' };
    const plain = await call('POST', '/activities', as(ADMIN), body);
    expect(plain.status).toBe(403);
    expect(plain.body.detail).toContain('scope service');
    expect((await call('POST', '/activities', service(), { ...body, visibility: 'private', audienceIds: [MEMBER] })).status).toBe(422);
    expect((await call('POST', '/activities', service(), { ...body, actorId: 987654 })).status).toBe(422);
    expect((await call('POST', '/activities', service(), { ...body, verb: 'hacked' })).status).toBe(400);
    expect((await call('POST', '/activities', service(), { ...body, objectId: 3 })).status).toBe(400); // an object id needs its model
  });

  it('creates once per Idempotency-Key, answers 201 with a Location that resolves, and reads follow hp_feed\'s rule', async () => {
    const key = randomUUID();
    const body = { actorId: MEMBER, verb: 'achieved_goal', objectModel: 'hp.health.goal', objectId: 41, summary: 'a private milestone', visibility: 'private' };
    const first = await call('POST', '/activities', service(), body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const again = await call('POST', '/activities', service(), body, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await svc().query(`SELECT count(*)::int AS n FROM activities WHERE summary = 'a private milestone'`)).rows[0].n).toBe(1);
    const location = first.headers.get('location')!;
    expect(location).toBe(`/activities/${first.body.id}`);
    expect((await call('GET', location, as(MEMBER))).body).toEqual(first.body);
    expect((await call('GET', location, as(OTHER))).status).toBe(404); // private: as if it did not exist
    expect((await call('GET', location, as(OPERATOR))).status).toBe(200); // operators read all activities (rule_activity_operator)
    // Its only feed entry is the actor's.
    expect((await svc().query('SELECT user_id FROM user_feeds WHERE activity_id = $1', [first.body.id])).rows).toEqual([{ user_id: MEMBER }]);
  });
});

describe('GET /trending', () => {
  it('ranks public activities of the window by (1 + reach + 2·views + 3·echoes) · 2^(−age/24 h), and shows nothing else', async () => {
    const viewer = 8;
    const posted = [];
    for (const [n, audience] of [[0, [9]], [1, [9, 10, 11]], [2, []]] as const) {
      const created = await call('POST', '/activities', service(), { actorId: COACH, verb: 'posted', objectModel: 'hp.community.post', objectId: 990000 + n, summary: `trend ${n}`, audienceIds: audience, toFollowers: false });
      posted.push(created.body.id);
    }
    await call('POST', '/activities', service(), { actorId: MEMBER, verb: 'liked', objectModel: 'hp.community.post', objectId: 990002, summary: 'liked it', toFollowers: false });
    await call('POST', '/activities', service(), { actorId: MEMBER, verb: 'posted', summary: 'secret', visibility: 'private' });
    await call('POST', '/activities', service(), { actorId: MEMBER, verb: 'posted', summary: 'for followers', visibility: 'followers' });
    const trending = await call('GET', '/trending?windowHours=1&limit=100', as(viewer));
    expect(trending.status).toBe(200);
    expect(trending.body.halfLifeHours).toBe(TRENDING_HALF_LIFE_HOURS);
    const items = trending.body.items as any[];
    expect(items.every((i) => i.activity.visibility === 'public')).toBe(true);
    // The formula, recomputed here from the rows.
    const { rows } = await svc().query(
      `SELECT a.id, extract(epoch FROM (now() at time zone 'UTC') - a.create_date) / 3600 AS age,
              (SELECT count(*) FROM user_feeds f WHERE f.activity_id = a.id)::int AS reach,
              (SELECT count(*) FROM user_feeds f WHERE f.activity_id = a.id AND f.seen)::int AS views,
              (SELECT count(*) FROM activities o WHERE o.id <> a.id AND o.visibility = 'public' AND o.object_model = a.object_model AND o.object_id = a.object_id
                  AND o.create_date >= (now() at time zone 'UTC') - interval '1 hour')::int AS echoes
         FROM activities a WHERE a.id = ANY($1)`, [posted]);
    for (const row of rows) {
      const item = items.find((i) => i.activity.id === row.id);
      expect(item).toMatchObject({ reach: row.reach, views: row.views, echoes: row.echoes });
      expect(item.score).toBeCloseTo((1 + row.reach + 2 * row.views + 3 * row.echoes) * 2 ** (-Number(row.age) / 24), 3);
    }
    // The liked post (an echo worth 3) beats the one that reached three feeds (reach 4).
    const order = items.map((i) => i.activity.id);
    expect(order.indexOf(posted[2])).toBeLessThan(order.indexOf(posted[1]));
    expect(order.indexOf(posted[1])).toBeLessThan(order.indexOf(posted[0]));
    for (let k = 1; k < items.length; k++) expect(items[k - 1].score).toBeGreaterThanOrEqual(items[k].score);
  });
});

describe('the service as the platform sees it', () => {
  it('claims its shared paths without clashing with auth\'s, and its OpenAPI document lists every route', async () => {
    const roster = await loadServiceRoster();
    expect(roster.serviceOfModule('M19')?.definition?.sharedPaths).toEqual(expect.arrayContaining(['/users/:id/feed', '/trending', '/activities', '/users/:id/preferences']));
    const openapi = await call('GET', '/dynamic/openapi.json', null);
    expect(Object.keys(openapi.body.paths).sort()).toEqual(['/activities', '/activities/{id}', '/trending', '/users/{id}/feed', '/users/{id}/feed/seen', '/users/{id}/feed/{entryId}/seen', '/users/{id}/preferences']);
    expect(openapi.body.paths['/activities'].post.security).toEqual([{ bearer: ['service'] }]);
  });
});
