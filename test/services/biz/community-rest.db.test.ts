import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { ALREADY_MEMBER_MESSAGE } from '../../../services/biz/domain/community-members.ts';
import { BAN_MESSAGE, JOIN_OTHERS_MESSAGE, LEAVE_OTHERS_MESSAGE, READMIT_MESSAGE } from '../../../services/biz/domain/community-membership-rule.ts';
import { ADMIN, COACH, GROUP_1, MERCHANT, OPERATOR, startCommunitySide, type CommunitySide } from './community-sides.ts';

const MEMBER = 6;

/** What a JSON-RPC client receives (floats arrive as numbers). */
const wire = (value: unknown): unknown => JSON.parse(stringifyPythonJson(value));

/**
 * M08 over REST on both sides of its cut (svc_biz's write-owner row: legacy, the monolith's
 * tables; service, svc_biz's): the group list with its filters and paging against SQL over the
 * same rows, GET by id, POST (the create ACL: coaches and merchants; Idempotency-Key; 201 with a
 * Location that resolves), join / leave / ban as hp.community.member's create and
 * action_leave/action_ban with the membership rule the monolith lacks, member_count after every
 * change, and the events (community_created, community_member_changed) in svc_biz's outbox in
 * both phases, RPC seeing what REST wrote.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`community groups over REST, M08 owned by ${owner}`, () => {
    let side: CommunitySide;
    let seq = 0;
    const rest = (method: string, path: string, uid: number | null, body?: unknown, headers: Record<string, string> = {}) => side.rest(method, path, uid, body, headers);
    const key = () => ({ 'idempotency-key': `community-${owner}-${Date.now()}-${seq++}` });
    const sqlIds = async (where: string, params: unknown[] = []) =>
      (await side.rows.query<{ id: number }>(`SELECT g.id FROM community_groups g WHERE ${where} ORDER BY g.name, g.id`, params)).rows.map((r) => r.id);
    const memberCount = async (id: number) => (await side.rows.query('SELECT member_count FROM community_groups WHERE id = $1', [id])).rows[0].member_count;
    const outbox = async (type: string, subject: string) =>
      (await side.stack.service.pool.query(`SELECT payload FROM outbox WHERE type = $1 AND payload->>'subject' = $2 ORDER BY seq`, [type, subject])).rows.map((r) => r.payload);
    const newGroup = async (uid = COACH, body: Record<string, unknown> = {}) => {
      const created = await rest('POST', '/communities/groups', uid, { name: `Walkers ${owner} ${seq}`, ...body }, key());
      expect(created.status).toBe(201);
      return created.body as { id: number; ownerId: number; memberCount: number };
    };

    beforeAll(async () => {
      side = await startCommunitySide(owner);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it('GET /communities/groups: every group in name order, filtered and paged as SQL over the same rows says', async () => {
      const all = await rest('GET', '/communities/groups?limit=200', MEMBER);
      expect(all.status).toBe(200);
      expect(all.body.items.map((g: { id: number }) => g.id)).toEqual(await sqlIds('TRUE'));
      expect(all.body).toMatchObject({ total: 20, limit: 200, offset: 0 });
      expect(all.body.items.find((g: { id: number }) => g.id === GROUP_1.id)).toEqual({
        id: 1, name: '控糖互助小组', description: expect.any(String), privacy: 'public', ownerId: GROUP_1.owner, fee: '0.00', currencyId: 6, memberCount: GROUP_1.activeCount,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      const filters: [string, string, unknown[]][] = [
        ['privacy=private', `g.privacy = 'private'`, []],
        [`owner_id=${GROUP_1.owner}`, 'g.owner_id = $1', [GROUP_1.owner]],
        [`member_id=${GROUP_1.active[0]}`, `EXISTS (SELECT 1 FROM members m WHERE m.group_id = g.id AND m.user_id = $1 AND m.state = 'active')`, [GROUP_1.active[0]]],
        ['name=CLUB', `g.name ILIKE '%club%'`, []],
        ['name=%25', `g.name LIKE '%\\%%'`, []],
        ['privacy=public&name=e', `g.privacy = 'public' AND g.name ILIKE '%e%'`, []],
      ];
      for (const [query, where, params] of filters) {
        const expected = await sqlIds(where, params);
        const page = await rest('GET', `/communities/groups?${query}&limit=3&offset=1`, MEMBER);
        expect(page.status, query).toBe(200);
        expect({ query, ids: page.body.items.map((g: { id: number }) => g.id), total: page.body.total }).toEqual({ query, ids: expected.slice(1, 4), total: expected.length });
      }
      expect((await rest('GET', '/communities/groups', null)).status).toBe(401);
      const bad = await rest('GET', '/communities/groups?limit=0&privacy=secret', MEMBER);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('GET /communities/groups/{id} answers the row; an unknown id is 404 problem+json', async () => {
      const one = await rest('GET', `/communities/groups/${GROUP_1.id}`, MEMBER);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: GROUP_1.id, memberCount: GROUP_1.activeCount, ownerId: GROUP_1.owner });
      const missing = await rest('GET', '/communities/groups/999999', MEMBER);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 404, detail: 'community group 999999 does not exist' });
    });

    it('POST /communities/groups: coaches and merchants create (owner the caller, defaults), members get 403, Idempotency-Key required and replayed, community_created in both phases', async () => {
      const refused = await rest('POST', '/communities/groups', MEMBER, { name: 'Not mine to make' }, key());
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/not allowed to create/);
      expect((await rest('POST', '/communities/groups', COACH, { name: 'No key' })).status).toBe(400);
      expect((await rest('POST', '/communities/groups', COACH, { name: 'Three decimals', fee: '1.234' }, key())).status).toBe(400);
      expect((await rest('POST', '/communities/groups', COACH, { name: '   ' }, key())).status).toBe(400);

      const headers = key();
      const body = { name: `Tai Chi ${owner}`, description: 'Mornings in the park', privacy: 'private', fee: '19.9' };
      const created = await rest('POST', '/communities/groups', MERCHANT, body, headers);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number), name: body.name, description: body.description, privacy: 'private', ownerId: MERCHANT, fee: '19.90', currencyId: 6, memberCount: 0, createdAt: expect.any(String),
      });
      expect(created.headers.get('location')).toBe(`/communities/groups/${created.body.id}`);
      expect((await rest('GET', created.headers.get('location')!, MEMBER)).body).toEqual(created.body);
      const replay = await rest('POST', '/communities/groups', MERCHANT, body, headers);
      expect([replay.status, replay.body.id]).toEqual([201, created.body.id]);
      const { rows } = await side.rows.query('SELECT count(*)::int AS n FROM community_groups WHERE name = $1', [body.name]);
      expect(rows[0].n).toBe(1);
      expect(await outbox('community_created', `hp.community.group/${created.body.id}`)).toEqual([
        expect.objectContaining({ source: '/ficus/biz', data: { groupId: created.body.id, ownerId: MERCHANT, name: body.name, privacy: 'private' } }),
      ]);
      // The row is Odoo's: RPC reads what REST wrote.
      expect(wire(await side.rpc(MERCHANT, 'hp.community.group', 'read', [[created.body.id], ['owner_id', 'fee', 'member_count', 'create_uid']]))).toEqual([
        { id: created.body.id, owner_id: [MERCHANT, expect.any(String)], fee: 19.9, member_count: 0, create_uid: [MERCHANT, expect.any(String)] },
      ]);
    });

    it('join, leave, rejoin, ban, readmit: the addon\'s meaning, the membership rule, member_count after each, community_member_changed each', async () => {
      const group = await newGroup();
      const [a, b] = [GROUP_1.active[0], GROUP_1.active[1]];
      const path = `/communities/groups/${group.id}/members`;
      const joined = await rest('POST', path, a, {}, key());
      expect(joined.status).toBe(201);
      expect(joined.body).toEqual({ id: expect.any(Number), groupId: group.id, userId: a, role: 'member', state: 'active', joinedAt: expect.stringMatching(/Z$/) });
      expect(joined.headers.get('location')).toBe(`${path}/${a}`);
      expect((await rest('GET', joined.headers.get('location')!, b)).body).toEqual(joined.body);
      expect(await memberCount(group.id)).toBe(1);

      const again = await rest('POST', path, a, {}, key());
      expect([again.status, again.body.detail]).toEqual([409, ALREADY_MEMBER_MESSAGE]);
      // Nobody else makes `a` leave, nor bans them, nor joins someone else.
      expect(await rest('POST', `${path}/${a}/leave`, b, undefined, key())).toMatchObject({ status: 403, body: { detail: LEAVE_OTHERS_MESSAGE } });
      expect(await rest('POST', `${path}/${a}/ban`, b, undefined, key())).toMatchObject({ status: 403, body: { detail: BAN_MESSAGE } });
      expect(await rest('POST', path, b, { userId: MEMBER }, key())).toMatchObject({ status: 403, body: { detail: JOIN_OTHERS_MESSAGE } });
      expect(await memberCount(group.id)).toBe(1);

      const left = await rest('POST', `${path}/${a}/leave`, a, undefined, key());
      expect([left.status, left.body.state]).toEqual([200, 'left']);
      expect(await memberCount(group.id)).toBe(0);
      const rejoined = await rest('POST', path, a, {}, key());
      expect([rejoined.status, rejoined.body.id, rejoined.body.state]).toEqual([200, joined.body.id, 'active']);
      expect(await memberCount(group.id)).toBe(1);

      const banned = await rest('POST', `${path}/${a}/ban`, COACH, undefined, key());
      expect([banned.status, banned.body.state]).toEqual([200, 'banned']);
      expect(await memberCount(group.id)).toBe(0);
      expect(await rest('POST', path, a, {}, key())).toMatchObject({ status: 403, body: { detail: READMIT_MESSAGE } });
      // The owner readmits (join in their name), and adds another user.
      expect((await rest('POST', path, COACH, { userId: a }, key())).body.state).toBe('active');
      expect((await rest('POST', path, COACH, { userId: b }, key())).status).toBe(201);
      expect(await memberCount(group.id)).toBe(2);
      expect((await rest('POST', `${path}/${b}/ban`, OPERATOR, undefined, key())).body.state).toBe('banned');
      expect(await memberCount(group.id)).toBe(1);

      const events = await outbox('community_member_changed', `hp.community.member/${joined.body.id}`);
      expect(events.map((e) => e.data.state)).toEqual(['active', 'left', 'active', 'banned', 'active']);
      expect(events.every((e) => e.data.groupOwnerId === COACH && e.data.userId === a)).toBe(true);
      // RPC sees what REST wrote.
      expect(await side.rpc(ADMIN, 'hp.community.group', 'read', [[group.id], ['member_count']])).toEqual([{ id: group.id, member_count: 1 }]);
    });

    it('concurrent joins over REST and RPC all count: member_count ends at the number of active members', async () => {
      const group = await newGroup();
      const restJoiners = GROUP_1.active.slice(0, 6);
      const rpcJoiners = [GROUP_1.admins[0], GROUP_1.admins[1], GROUP_1.left[0]];
      const answers = await Promise.all([
        ...restJoiners.map((uid) => rest('POST', `/communities/groups/${group.id}/members`, uid, {}, key())),
        ...rpcJoiners.map((uid) => side.rpc(uid, 'hp.community.member', 'create', [{ group_id: group.id, user_id: uid }]).then(() => ({ status: 201 }))),
      ]);
      expect(answers.map((a) => a.status)).toEqual(Array(restJoiners.length + rpcJoiners.length).fill(201));
      expect(await memberCount(group.id)).toBe(restJoiners.length + rpcJoiners.length);
      // And leaving at once, half of them on each protocol.
      await Promise.all(restJoiners.map((uid, i) => i % 2
        ? rest('POST', `/communities/groups/${group.id}/members/${uid}/leave`, uid, undefined, key())
        : side.rpc(uid, 'hp.community.member', 'search', [[['group_id', '=', group.id], ['user_id', '=', uid]]]).then((ids) => side.rpc(uid, 'hp.community.member', 'action_leave', [ids]))));
      expect(await memberCount(group.id)).toBe(rpcJoiners.length);
    });

    it('members list and one membership: the group\'s rows in hp.community.member\'s order, filtered; 404 for a user who never joined', async () => {
      const banned = await rest('GET', `/communities/groups/${GROUP_1.id}/members?state=banned`, MEMBER);
      expect(banned.status).toBe(200);
      const { rows } = await side.rows.query(`SELECT user_id FROM members WHERE group_id = $1 AND state = 'banned' ORDER BY joined_at, id`, [GROUP_1.id]);
      expect(banned.body.items.map((m: { userId: number }) => m.userId)).toEqual(rows.map((r) => r.user_id));
      expect(banned.body.total).toBe(rows.length);
      const admins = await rest('GET', `/communities/groups/${GROUP_1.id}/members?role=admin&limit=1`, MEMBER);
      expect([admins.body.total, admins.body.items.length]).toEqual([2, 1]);
      expect((await rest('GET', `/communities/groups/${GROUP_1.id}/members/${GROUP_1.owner}`, MEMBER)).body).toMatchObject({ role: 'owner', state: 'active' });
      expect((await rest('GET', `/communities/groups/${GROUP_1.id}/members/${COACH}`, MEMBER)).status).toBe(404);
      expect((await rest('GET', '/communities/groups/999999/members', MEMBER)).status).toBe(404);
      expect((await rest('POST', `/communities/groups/${GROUP_1.id}/members/${COACH}/leave`, COACH, undefined, key())).status).toBe(404);
    });
  });
}
