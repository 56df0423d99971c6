import { sql, type Kysely } from 'kysely';
import { problems, type AccessPort } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import { createMembership, writeMemberships, type MembershipStore } from '../domain/community-members.ts';
import type { BizEventSink } from '../domain/biz-events.ts';
import type { MembershipCaller } from '../domain/community-membership-rule.ts';
import { checkRecords } from './rest-access.ts';

export const GROUP_MODEL = 'hp.community.group';
export const GROUP_TABLE = 'community_groups';
export const MEMBER_MODEL = 'hp.community.member';
export const MEMBER_TABLE = 'members';

/** hp_account's operator group (admins imply it) and Odoo's settings group: they keep Odoo's rights on every membership. */
const PRIVILEGED_GROUPS = ['hp_account.group_hp_operator', 'base.group_system'] as const;

/** The caller of a REST request as the membership rule sees it. */
export async function membershipCallerOfRest(access: AccessPort): Promise<MembershipCaller> {
  for (const group of PRIVILEGED_GROUPS) if (await access.hasGroup(group)) return { uid: access.uid, privileged: true };
  return { uid: access.uid, privileged: false };
}

/** The group must exist for the caller (read ACL and rules where M08's rows live): 404 otherwise. */
export function assertGroupReadable(access: AccessPort, rows: Kysely<any>, groupId: number): Promise<void> {
  return checkRecords(access, rows, GROUP_MODEL, GROUP_TABLE, 'read', [groupId], 'community group');
}

/** The membership of `userId` in `groupId` the caller may read, or 404. */
export async function membershipIdOf(access: AccessPort, rows: Kysely<any>, groupId: number, userId: number): Promise<number> {
  await access.check(MEMBER_MODEL, 'read');
  const visible = await access.rules(MEMBER_MODEL, 'read', 'm');
  const { rows: found } = await sql<{ id: number }>`SELECT m.id FROM members m WHERE m.group_id = ${groupId} AND m.user_id = ${userId} AND ${visible}`.execute(rows);
  if (!found[0]) throw problems.notFound(`user ${userId} is not a member of community group ${groupId}`);
  return found[0].id;
}

/**
 * The domain's MembershipStore on a REST request, checking what the ORM engine checks over RPC:
 * a create needs the create ACL (and the create rules on the new row), a write the write ACL and
 * rules (403), each then the membership rule (domain/community-membership-rule.ts, 403), as the
 * model's create and write hooks run it over RPC; member_count and community_member_changed
 * (into `events`, svc_biz's outbox) follow every write.
 */
export function restMembershipStore(rows: Kysely<any>, access: AccessPort, caller: MembershipCaller, events: BizEventSink): MembershipStore {
  const run = onKysely(rows);
  return {
    async find(groupId, userId) {
      await access.check(MEMBER_MODEL, 'read');
      const visible = await access.rules(MEMBER_MODEL, 'read', 'm');
      const { rows: found } = await sql<{ id: number; state: 'active' | 'left' | 'banned' }>`
        SELECT m.id, m.state FROM members m WHERE m.group_id = ${groupId} AND m.user_id = ${userId} AND ${visible}`.execute(rows);
      return found[0];
    },
    async create(membership) {
      await access.check(MEMBER_MODEL, 'create');
      const { rows: users } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${membership.userId}`.execute(rows);
      if (!users.length) throw problems.unprocessable(`user ${membership.userId} does not exist`);
      const id = await createMembership(run, events, caller, membership);
      await checkRecords(access, rows, MEMBER_MODEL, MEMBER_TABLE, 'create', [id], 'membership');
      return id;
    },
    async write(ids, vals) {
      await checkRecords(access, rows, MEMBER_MODEL, MEMBER_TABLE, 'write', ids, 'membership');
      await writeMemberships(run, events, caller, ids, vals);
    },
  };
}
