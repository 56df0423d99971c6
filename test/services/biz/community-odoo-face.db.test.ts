import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAN_MESSAGE, JOIN_OTHERS_MESSAGE, LEAVE_OTHERS_MESSAGE, MOVE_MEMBERSHIP_MESSAGE, READMIT_MESSAGE, ROLE_MESSAGE,
} from '../../../services/biz/domain/community-membership-rule.ts';
import { ADMIN, COACH, GROUP_1, OPERATOR, odooErrorOf, startCommunitySide, type CommunitySide } from './community-sides.ts';

/**
 * hp_community_biz as Odoo clients see it, on both sides of M08's cut: the stored member_count
 * (active members only) after every create, write and unlink of a membership, stamped as Odoo's
 * recompute stamps the group; action_leave and action_ban as `self.write(...)` returning True;
 * the membership rule the monolith lacks on every write path (write, create, the two actions,
 * x2many commands through the group); community_created in svc_biz's outbox after cutover only.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.community.group and hp.community.member over Odoo RPC, M08 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'cut over to biz (svc_biz)'}`, () => {
    let side: CommunitySide;
    const rpc = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, model, method, args, kwargs);
    const group = async (id: number) => (await side.rows.query('SELECT member_count, write_uid FROM community_groups WHERE id = $1', [id])).rows[0];
    const activeCount = async (id: number) => Number((await side.rows.query(`SELECT count(*) AS n FROM members WHERE group_id = $1 AND state = 'active'`, [id])).rows[0].n);
    const membership = async (groupId: number, userId: number) => (await side.rows.query('SELECT id, state, role, write_uid FROM members WHERE group_id = $1 AND user_id = $2', [groupId, userId])).rows[0];
    const createdEvents = async (groupId: number) =>
      (await side.stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'community_created' AND payload->>'subject' = $1`, [`hp.community.group/${groupId}`])).rows.map((r) => r.payload);
    const memberChangedEvents = async (memberId: number) =>
      (await side.stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'community_member_changed' AND payload->>'subject' = $1 ORDER BY seq`, [`hp.community.member/${memberId}`])).rows.map((r) => r.payload);
    /** A fresh group owned by COACH, with `members` (user ids) active in it, created as the coach and an operator would. */
    const freshGroup = async (members: number[] = []) => {
      const id = (await rpc(COACH, 'hp.community.group', 'create', [{ name: `Fresh ${owner} ${Date.now()}`, owner_id: COACH }])) as number;
      if (members.length) await rpc(ADMIN, 'hp.community.member', 'create', [members.map((user_id) => ({ group_id: id, user_id }))]);
      return id;
    };

    beforeAll(async () => {
      side = await startCommunitySide(owner);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it('the seed holds member_count as Odoo stored it: the active members of each group', async () => {
      expect((await group(GROUP_1.id)).member_count).toBe(GROUP_1.activeCount);
      const { rows } = await side.rows.query(`SELECT g.id FROM community_groups g WHERE g.member_count <> (SELECT count(*) FROM members m WHERE m.group_id = g.id AND m.state = 'active')`);
      expect(rows).toEqual([]);
    });

    it('create: defaults (public, company currency), member_count 0, then each membership created, written and deleted moves it; the group is stamped by whoever changed a member', async () => {
      const id = await freshGroup();
      expect(await rpc(COACH, 'hp.community.group', 'read', [[id], ['privacy', 'currency_id', 'member_count', 'owner_id']])).toEqual([
        { id, privacy: 'public', currency_id: [6, 'CNY'], member_count: 0, owner_id: [COACH, expect.any(String)] },
      ]);
      const [a, b] = [GROUP_1.active[0], GROUP_1.active[1]];
      // A member joins themself (create with the model's defaults: role member, state active, joined_at now).
      const joined = (await rpc(a, 'hp.community.member', 'create', [{ group_id: id, user_id: a }])) as number;
      expect(await group(id)).toEqual({ member_count: 1, write_uid: a });
      expect(await rpc(a, 'hp.community.member', 'read', [[joined], ['role', 'state', 'joined_at']])).toEqual([
        { id: joined, role: 'member', state: 'active', joined_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
      ]);
      await rpc(b, 'hp.community.member', 'create', [{ group_id: id, user_id: b }]);
      expect((await group(id)).member_count).toBe(2);
      // Leaving through write, and back: only `state` moves the count.
      await rpc(a, 'hp.community.member', 'write', [[joined], { state: 'left' }]);
      expect(await group(id)).toEqual({ member_count: 1, write_uid: a });
      await rpc(a, 'hp.community.member', 'write', [[joined], { state: 'active' }]);
      expect((await group(id)).member_count).toBe(2);
      // Deleting (admins only, by the ACL) counts the rest.
      await rpc(ADMIN, 'hp.community.member', 'unlink', [[joined]]);
      expect(await group(id)).toEqual({ member_count: 1, write_uid: ADMIN });
      // A second membership of the same user is Odoo's unique constraint.
      const duplicate = await odooErrorOf(rpc(b, 'hp.community.member', 'create', [{ group_id: id, user_id: b }]));
      expect(duplicate.message).toContain('This user is already a member of the group.');
      expect((await group(id)).member_count).toBe(1);
    });

    it('members created and moved through the group (x2many commands) are counted, an operator moving a membership between groups recounts both', async () => {
      const [a, b, c] = GROUP_1.active.slice(2, 5) as [number, number, number];
      const id = (await rpc(ADMIN, 'hp.community.group', 'create', [{ name: `Nested ${owner}`, member_ids: [[0, 0, { user_id: a }], [0, 0, { user_id: b, state: 'left' }]] }])) as number;
      expect((await group(id)).member_count).toBe(1);
      await rpc(ADMIN, 'hp.community.group', 'write', [[id], { member_ids: [[0, 0, { user_id: c }]] }]);
      expect((await group(id)).member_count).toBe(2);
      const other = await freshGroup();
      const moved = (await membership(id, c)).id;
      await rpc(OPERATOR, 'hp.community.member', 'write', [[moved], { group_id: other }]);
      expect([(await group(id)).member_count, (await group(other)).member_count]).toEqual([1, 1]);
    });

    it('action_leave and action_ban: self.write, True, the count follows; empty recordsets do nothing', async () => {
      const [a, b] = GROUP_1.active.slice(5, 7) as [number, number];
      const id = await freshGroup([a, b]);
      expect((await group(id)).member_count).toBe(2);
      expect(await rpc(a, 'hp.community.member', 'action_leave', [[(await membership(id, a)).id]])).toBe(true);
      expect(await membership(id, a)).toMatchObject({ state: 'left', write_uid: a });
      expect(await group(id)).toEqual({ member_count: 1, write_uid: a });
      // The group's owner bans.
      expect(await rpc(COACH, 'hp.community.member', 'action_ban', [[(await membership(id, b)).id]])).toBe(true);
      expect(await membership(id, b)).toMatchObject({ state: 'banned', write_uid: COACH });
      expect(await group(id)).toEqual({ member_count: 0, write_uid: COACH });
      expect(await rpc(a, 'hp.community.member', 'action_leave', [[]])).toBe(true);
      // Python's signature: no parameters beyond self.
      expect((await odooErrorOf(rpc(a, 'hp.community.member', 'action_leave', [[1], 'extra']))).name).toBe('builtins.TypeError');
    });

    it('the hole stays closed on every write path: nobody bans, makes leave, promotes, moves or joins others without managing the group', async () => {
      const [victim, other] = [GROUP_1.active[0], GROUP_1.active[1]];
      const victimId = (await membership(GROUP_1.id, victim)).id;
      const before = await group(GROUP_1.id);
      const otherId = (await membership(GROUP_1.id, other)).id;
      const banned = GROUP_1.banned[0];
      const bannedId = (await membership(GROUP_1.id, banned)).id;
      const refusals: [() => Promise<unknown>, string][] = [
        [() => rpc(other, 'hp.community.member', 'action_ban', [[victimId]]), BAN_MESSAGE],
        [() => rpc(other, 'hp.community.member', 'write', [[victimId], { state: 'banned' }]), BAN_MESSAGE],
        [() => rpc(other, 'hp.community.member', 'action_leave', [[victimId]]), LEAVE_OTHERS_MESSAGE],
        [() => rpc(GROUP_1.owner, 'hp.community.member', 'action_leave', [[victimId]]), LEAVE_OTHERS_MESSAGE],
        [() => rpc(other, 'hp.community.member', 'write', [[otherId], { role: 'admin' }]), ROLE_MESSAGE],
        [() => rpc(other, 'hp.community.member', 'write', [[otherId], { user_id: victim }]), MOVE_MEMBERSHIP_MESSAGE],
        [() => rpc(banned, 'hp.community.member', 'write', [[bannedId], { state: 'active' }]), READMIT_MESSAGE],
        [() => rpc(other, 'hp.community.member', 'create', [{ group_id: 14, user_id: victim }]), JOIN_OTHERS_MESSAGE],
        // The coach owns group 14, not group 1: x2many commands through a group they may write reach the rule too.
        [() => rpc(COACH, 'hp.community.group', 'write', [[14], { member_ids: [[1, victimId, { state: 'banned' }]] }]), BAN_MESSAGE],
      ];
      for (const [call, message] of refusals) expect(await odooErrorOf(call())).toEqual({ name: 'odoo.exceptions.AccessError', message });
      expect(await membership(GROUP_1.id, victim)).toMatchObject({ state: 'active', role: 'member' });
      expect(await group(GROUP_1.id)).toEqual(before);
    });

    it("the group's owner, its admins, operators and admins manage; a manager may not make someone leave", async () => {
      const [a, b, c, d] = GROUP_1.active.slice(0, 4) as [number, number, number, number];
      const ids = (await Promise.all([a, b, c, d].map(async (u) => (await membership(GROUP_1.id, u)).id))) as [number, number, number, number];
      await rpc(GROUP_1.owner, 'hp.community.member', 'action_ban', [[ids[0]]]);
      await rpc(GROUP_1.admins[0], 'hp.community.member', 'action_ban', [[ids[1]]]);
      await rpc(OPERATOR, 'hp.community.member', 'action_ban', [[ids[2]]]);
      await rpc(ADMIN, 'hp.community.member', 'action_leave', [[ids[3]]]);
      expect((await group(GROUP_1.id)).member_count).toBe(GROUP_1.activeCount - 4);
      expect(await activeCount(GROUP_1.id)).toBe(GROUP_1.activeCount - 4);
      // Readmitting a banned member and changing roles are the managers'.
      await rpc(GROUP_1.admins[1], 'hp.community.member', 'write', [[ids[0], ids[1]], { state: 'active', role: 'admin' }]);
      // …and a member rejoins from left themself.
      await rpc(d, 'hp.community.member', 'write', [[ids[3]], { state: 'active' }]);
      expect((await group(GROUP_1.id)).member_count).toBe(GROUP_1.activeCount - 1);
      await rpc(OPERATOR, 'hp.community.member', 'write', [[ids[0], ids[1], ids[2]], { state: 'active', role: 'member' }]);
      expect((await group(GROUP_1.id)).member_count).toBe(GROUP_1.activeCount);
    });

    it(owner === 'service' ? "community_created and community_member_changed (state after the change, the group's owner) in svc_biz's outbox" : 'the monolith publishes nothing for groups and memberships changed over RPC', async () => {
      const id = await freshGroup();
      const joiner = GROUP_1.active[7];
      const memberId = (await rpc(joiner, 'hp.community.member', 'create', [{ group_id: id, user_id: joiner }])) as number;
      await rpc(joiner, 'hp.community.member', 'action_leave', [[memberId]]);
      await rpc(joiner, 'hp.community.member', 'write', [[memberId], { joined_at: '2026-11-01 08:00:00' }]);
      const events = await createdEvents(id);
      const memberEvents = await memberChangedEvents(memberId);
      if (owner === 'legacy') return expect([events, memberEvents]).toEqual([[], []]);
      expect(events).toEqual([expect.objectContaining({ type: 'community_created', source: '/ficus/biz', subject: `hp.community.group/${id}`, data: { groupId: id, ownerId: COACH, name: expect.stringMatching(/^Fresh /), privacy: 'public' } })]);
      // One per create and per change of state; a write of joined_at alone announces nothing.
      expect(memberEvents.map((e) => e.data)).toEqual([
        { memberId, groupId: id, userId: joiner, groupOwnerId: COACH, role: 'member', state: 'active', joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) },
        { memberId, groupId: id, userId: joiner, groupOwnerId: COACH, role: 'member', state: 'left', joinedAt: expect.any(String) },
      ]);
    });
  });
}
