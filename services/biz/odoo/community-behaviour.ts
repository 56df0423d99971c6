import { updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { asOdooErrors, recordsMethod, userHasGroup } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { announceCreatedGroups } from '../domain/community-groups.ts';
import { groupsOfMemberships, recomputeMemberCount } from '../domain/community-member-count.ts';
import { announceMemberChanges } from '../domain/community-member-events.ts';
import { banMemberships, leaveMemberships, type MembershipWriter } from '../domain/community-members.ts';
import { assertMembershipCreate, assertMembershipWrite, type MembershipCaller } from '../domain/community-membership-rule.ts';
import type { EventsOfCall } from './outbox.ts';

/** What M08's behaviour is given: where its events go (svc_biz's outbox, or nowhere on the monolith). */
export interface CommunityBehaviourOptions {
  events: EventsOfCall;
}

/** hp_account's operator group (admins imply it) and Odoo's settings group: they keep Odoo's rights on every membership. */
export const PRIVILEGED_GROUPS = ['hp_account.group_hp_operator', 'base.group_system'] as const;

/** The caller of an ORM call as the membership rule sees it (the superuser too keeps Odoo's rights). */
export async function membershipCallerOf(ctx: CallContext): Promise<MembershipCaller> {
  if (ctx.access.superuser) return { uid: ctx.uid, privileged: true };
  for (const group of PRIVILEGED_GROUPS) if (await userHasGroup(ctx.db, ctx.access, group)) return { uid: ctx.uid, privileged: true };
  return { uid: ctx.uid, privileged: false };
}

/** `self.write(vals)` inside an ORM call: the engine's write (ACL, the rule below in beforeWrite, member_count in afterWrite). */
function rpcMembershipWriter(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): MembershipWriter {
  return { write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })) };
}

/**
 * hp.community.group (hp_community_biz/models/hp_community_group.py): the stored member_count
 * (active members), and community_created for each group created (svc_biz's outbox after M08's
 * cutover; nothing on the monolith, which never published it).
 */
export function communityGroupBehaviour(options: CommunityBehaviourOptions): ModelBehaviour {
  return {
    compute: { member_count: (ctx, ids) => recomputeMemberCount(onQueryable(ctx.db), ids, ctx.uid) },
    afterCreate: (ctx, ids) => announceCreatedGroups(onQueryable(ctx.db), options.events(ctx), ids),
  };
}

/**
 * hp.community.member (hp_community_biz/models/hp_community_member.py): action_leave and
 * action_ban (domain/community-members.ts, the same use cases REST runs), the group's
 * member_count after every create, write of state or group and unlink, community_member_changed
 * after a create or a change of state or group (svc_biz's outbox; nothing on the monolith), and
 * before any row is written the membership rule the monolith lacks
 * (domain/community-membership-rule.ts), on both sides of the cut.
 */
export function communityMemberBehaviour(behaviours: BehaviourRegistry, options: CommunityBehaviourOptions): ModelBehaviour {
  // Groups a write moves memberships out of, between beforeWrite and afterWrite of one call.
  const previousGroups = new WeakMap<CallContext, number[]>();
  const movesCount = (vals: Readonly<Record<string, unknown>>) => 'state' in vals || 'group_id' in vals;
  return {
    async beforeCreate(ctx, valsList) {
      await asOdooErrors(assertMembershipCreate(onQueryable(ctx.db), await membershipCallerOf(ctx), valsList));
    },
    async afterCreate(ctx, ids) {
      const sql = onQueryable(ctx.db);
      await recomputeMemberCount(sql, await groupsOfMemberships(sql, ids), ctx.uid);
      await announceMemberChanges(sql, options.events(ctx), ids);
    },
    async beforeWrite(ctx, ids, vals) {
      const sql = onQueryable(ctx.db);
      await asOdooErrors(assertMembershipWrite(sql, await membershipCallerOf(ctx), ids, vals));
      if (movesCount(vals)) previousGroups.set(ctx, await groupsOfMemberships(sql, ids));
    },
    async afterWrite(ctx, ids, vals) {
      if (!movesCount(vals)) return;
      const sql = onQueryable(ctx.db);
      const before = previousGroups.get(ctx) ?? [];
      previousGroups.delete(ctx);
      await recomputeMemberCount(sql, [...before, ...(await groupsOfMemberships(sql, ids))], ctx.uid);
      await announceMemberChanges(sql, options.events(ctx), ids);
    },
    async beforeUnlink(ctx, ids) {
      const sql = onQueryable(ctx.db);
      await recomputeMemberCount(sql, await groupsOfMemberships(sql, ids), ctx.uid, ids);
    },
    methods: {
      action_leave: recordsMethod('HpCommunityMember.action_leave', [], (ctx, model, ids) => leaveMemberships(rpcMembershipWriter(ctx, behaviours, model), ids)),
      action_ban: recordsMethod('HpCommunityMember.action_ban', [], (ctx, model, ids) => banMemberships(rpcMembershipWriter(ctx, behaviours, model), ids)),
    },
  };
}

/** Registers hp_community_biz's behaviour (M08). */
export function registerCommunityBehaviours(behaviours: BehaviourRegistry, options: CommunityBehaviourOptions): BehaviourRegistry {
  behaviours.register('hp.community.group', communityGroupBehaviour(options));
  behaviours.register('hp.community.member', communityMemberBehaviour(behaviours, options));
  return behaviours;
}

/** Business methods of M08 (the control plane's "methods provided" gate). */
export const COMMUNITY_BUSINESS_METHODS = { 'hp.community.member': ['action_leave', 'action_ban'] } as const;
