import { defineRoute, problems } from '../../kit/index.ts';
import { communityHome } from '../db/biz-home.ts';
import type { BizDatabase } from '../db/tables.ts';
import { banMemberships, joinGroup, leaveMemberships } from '../domain/community-members.ts';
import { assertGroupReadable, MEMBER_MODEL, membershipCallerOfRest, membershipIdOf, restMembershipStore } from './communities-access.ts';
import { listMemberResources, readMemberResource, type MemberFilters } from './communities-resource.ts';
import { asProblems, readerOfHome, restEventSink, writeInHome } from './rest-access.ts';

const memberPath = (groupId: number, userId: number) => `/communities/groups/${groupId}/members/${userId}`;

/** GET /communities/groups/{id}/members: the group's memberships the caller may read (every platform user, as over RPC), in the model's order. */
export const listCommunityMembers = defineRoute<BizDatabase, unknown, MemberFilters, { id: number }>({
  method: 'get',
  path: '/communities/groups/:id/members',
  summary: "List a community group's memberships, filtered by state and role",
  auth: 'bearer',
  params: 'rest/biz/community-group-params.json',
  query: 'rest/biz/community-member-query.json',
  responses: { 200: 'rest/biz/community-member-list.json' },
  async handler(ctx) {
    const { params, query, access } = ctx;
    const rows = await readerOfHome(communityHome, ctx);
    await assertGroupReadable(access!, rows, params.id);
    await access!.check(MEMBER_MODEL, 'read');
    const page = await listMemberResources(rows, params.id, await access!.rules(MEMBER_MODEL, 'read', 'm'), query);
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

/**
 * POST /communities/groups/{id}/members: the caller (or `userId`, for the group's owner and
 * admins and operators) joins: a new active membership (201, Location of the membership), or
 * their own `left` membership active again (200). An active member is 409 with the addon's
 * unique-constraint text; a banned member is readmitted only by a manager of the group (403).
 * member_count follows.
 */
export const joinCommunityGroup = defineRoute<BizDatabase, { userId?: number }, unknown, { id: number }>({
  method: 'post',
  path: '/communities/groups/:id/members',
  summary: 'Join a community group (the caller, or another user for its owner, admins and operators); Idempotency-Key honoured',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/biz/community-group-params.json',
  body: 'rest/biz/community-join.json',
  responses: { 200: 'rest/biz/community-member.json', 201: 'rest/biz/community-member.json' },
  async handler(ctx) {
    const { params, body, access } = ctx;
    const userId = body?.userId ?? access!.uid;
    const caller = await membershipCallerOfRest(access!);
    return writeInHome(communityHome, ctx, async (rows) => {
      await assertGroupReadable(access!, rows, params.id);
      const joined = await asProblems(joinGroup(restMembershipStore(rows, access!, caller, restEventSink(ctx)), params.id, userId));
      const member = (await readMemberResource(rows, params.id, userId))!;
      if (!joined.created) return { status: 200, body: member };
      return { status: 201, body: member, headers: { location: memberPath(params.id, userId) } };
    });
  },
});

/** GET /communities/groups/{id}/members/{userId}: the user's membership of the group, whatever its state (404 when they never joined). */
export const getCommunityMember = defineRoute<BizDatabase, unknown, unknown, { id: number; userId: number }>({
  method: 'get',
  path: '/communities/groups/:id/members/:userId',
  summary: "Read a user's membership of a community group",
  auth: 'bearer',
  params: 'rest/biz/community-member-params.json',
  responses: { 200: 'rest/biz/community-member.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(communityHome, ctx);
    await assertGroupReadable(access!, rows, params.id);
    await access!.check(MEMBER_MODEL, 'read');
    const member = await readMemberResource(rows, params.id, params.userId, await access!.rules(MEMBER_MODEL, 'read', 'm'));
    if (!member) throw problems.notFound(`user ${params.userId} is not a member of community group ${params.id}`);
    return { status: 200, body: member };
  },
});

/**
 * POST /communities/groups/{id}/members/{userId}/leave and …/ban: hp.community.member's
 * action_leave and action_ban (domain/community-members.ts, the same use cases as over RPC) on
 * the user's membership: the write ACL, then the membership rule (a member leaves only their own
 * membership; only the group's owner, its admins and operators ban), then member_count. 200 with
 * the membership as it is now.
 */
function membershipAction(action: 'leave' | 'ban') {
  return defineRoute<BizDatabase, unknown, unknown, { id: number; userId: number }>({
    method: 'post',
    path: `/communities/groups/:id/members/:userId/${action}`,
    summary: action === 'leave'
      ? "Leave a community group (hp.community.member.action_leave): only one's own membership"
      : "Ban a member from a community group (hp.community.member.action_ban): the group's owner, its admins, operators",
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/biz/community-member-params.json',
    responses: { 200: 'rest/biz/community-member.json' },
    async handler(ctx) {
      const { params, access } = ctx;
      const caller = await membershipCallerOfRest(access!);
      return writeInHome(communityHome, ctx, async (rows) => {
        await assertGroupReadable(access!, rows, params.id);
        const id = await membershipIdOf(access!, rows, params.id, params.userId);
        const store = restMembershipStore(rows, access!, caller, restEventSink(ctx));
        await asProblems(action === 'leave' ? leaveMemberships(store, [id]) : banMemberships(store, [id]));
        return { status: 200, body: (await readMemberResource(rows, params.id, params.userId))! };
      });
    },
  });
}

export const leaveCommunityGroup = membershipAction('leave');
export const banCommunityMember = membershipAction('ban');

export const COMMUNITY_MEMBER_ROUTES = [listCommunityMembers, joinCommunityGroup, getCommunityMember, leaveCommunityGroup, banCommunityMember];
