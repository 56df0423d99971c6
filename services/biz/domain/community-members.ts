import type { SqlRunner } from '../db/sql-runner.ts';
import type { MemberRole, MemberState } from '../db/tables.ts';
import type { BizEventSink } from './biz-events.ts';
import { BizRefused } from './biz-refusal.ts';
import { announceMemberChanges } from './community-member-events.ts';
import { recomputeMemberCount, groupsOfMemberships } from './community-member-count.ts';
import { assertMembershipCreate, assertMembershipWrite, type MembershipCaller } from './community-membership-rule.ts';

/** hp_community_biz's `_sql_constraints` text for a second membership of the same user in a group. */
export const ALREADY_MEMBER_MESSAGE = 'This user is already a member of the group.';

/** What a membership write is given: `self.write(vals)` as the edge runs it (the ORM engine over RPC, the REST store). */
export interface MembershipWriter {
  write(ids: readonly number[], vals: { state: MemberState }): Promise<void>;
}

/** `hp.community.member.action_leave`: `self.write({'state': 'left'})`, returns True. The write is the edge's: ACL, the membership rule, member_count. */
export async function leaveMemberships(writer: MembershipWriter, ids: readonly number[]): Promise<true> {
  await writer.write(ids, { state: 'left' });
  return true;
}

/** `hp.community.member.action_ban`: `self.write({'state': 'banned'})`, returns True. */
export async function banMemberships(writer: MembershipWriter, ids: readonly number[]): Promise<true> {
  await writer.write(ids, { state: 'banned' });
  return true;
}

/**
 * A write of memberships where no ORM runs (REST): the membership rule (nothing is written when
 * it refuses), then the rows with write_uid and write_date, then member_count of every group the
 * write touched, and community_member_changed for a change of state. The ACL and record rules are
 * the caller's to check first.
 */
export async function writeMemberships(sql: SqlRunner, events: BizEventSink, caller: MembershipCaller, ids: readonly number[], vals: { state?: MemberState; role?: MemberRole }): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length || !Object.keys(vals).length) return;
  await assertMembershipWrite(sql, caller, unique, vals);
  const groups = await groupsOfMemberships(sql, unique);
  await sql.raw(
    `UPDATE members SET state = COALESCE($2, state), role = COALESCE($3, role), write_uid = $4, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[])`,
    [unique, vals.state ?? null, vals.role ?? null, caller.uid],
  );
  await recomputeMemberCount(sql, groups, caller.uid);
  if (vals.state) await announceMemberChanges(sql, events, unique);
}

/** A membership to create where no ORM runs (REST), the model's defaults applied by the caller of `createMembership`. */
export interface NewMembership {
  groupId: number;
  userId: number;
  role: MemberRole;
  state: MemberState;
}

/**
 * hp.community.member create where no ORM runs (REST): the membership rule, the row with the
 * model's defaults (joined_at now), then the group's member_count and community_member_changed.
 * A second membership of the same user in the group is refused as Odoo's unique constraint
 * refuses it.
 */
export async function createMembership(sql: SqlRunner, events: BizEventSink, caller: MembershipCaller, membership: NewMembership): Promise<number> {
  await assertMembershipCreate(sql, caller, [{ group_id: membership.groupId, user_id: membership.userId, role: membership.role, state: membership.state }]);
  const inserted = await sql.raw<{ id: number }>(
    `INSERT INTO members (group_id, user_id, role, state, joined_at, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, date_trunc('second', now() at time zone 'UTC'), $5, $5, (now() at time zone 'UTC'), (now() at time zone 'UTC'))
     ON CONFLICT ON CONSTRAINT members_group_user_uniq DO NOTHING
     RETURNING id`,
    [membership.groupId, membership.userId, membership.role, membership.state, caller.uid],
  );
  if (!inserted[0]) throw new BizRefused('state', ALREADY_MEMBER_MESSAGE);
  await recomputeMemberCount(sql, [membership.groupId], caller.uid);
  await announceMemberChanges(sql, events, [inserted[0].id]);
  return inserted[0].id;
}

/** What joining does to the store (REST's MembershipStore implements it with the caller's ACL checks). */
export interface MembershipStore extends MembershipWriter {
  /** The user's membership of the group, if any, whatever its state. */
  find(groupId: number, userId: number): Promise<{ id: number; state: MemberState } | undefined>;
  create(membership: NewMembership): Promise<number>;
}

/**
 * A user joins a group (REST `POST /communities/groups/{id}/members`): a new membership (active,
 * role member), or their own `left` membership active again (the unique constraint allows one
 * membership per user and group, so rejoining is that write). An active membership is refused
 * with the constraint's text; a banned one is readmitted only by a manager of the group (the
 * membership rule). `created` says which happened.
 */
export async function joinGroup(store: MembershipStore, groupId: number, userId: number): Promise<{ id: number; created: boolean }> {
  const existing = await store.find(groupId, userId);
  if (!existing) return { id: await store.create({ groupId, userId, role: 'member', state: 'active' }), created: true };
  if (existing.state === 'active') throw new BizRefused('state', ALREADY_MEMBER_MESSAGE);
  await store.write([existing.id], { state: 'active' });
  return { id: existing.id, created: false };
}
