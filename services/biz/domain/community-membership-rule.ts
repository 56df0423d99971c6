import type { SqlRunner } from '../db/sql-runner.ts';
import type { MemberRole, MemberState } from '../db/tables.ts';
import { BizRefused } from './biz-refusal.ts';

/**
 * The rule the monolith lacks (SERVICES.md §6): hp.community.member has no record rule, and
 * hp_account's member ACL grants write and create on it, so in Odoo any member can ban anyone,
 * make others leave, promote themselves to admin or join someone else to a group. Biz enforces
 * this instead, on every protocol (RPC create/write, action_leave/action_ban, REST), on both
 * sides of the cut; a deliberate difference from the monolith (MIGRATION.md):
 *
 * - operators and admins (hp_account.group_hp_operator, which admins imply) and the superuser
 *   keep Odoo's rights: they manage any membership;
 * - a group's managers are its owner (`owner_id`) and its active members with role owner or admin;
 * - a member may leave only their own membership, and rejoin it from `left` (not from `banned`);
 * - only a manager of the group may ban, readmit a banned member, change a role, add another
 *   user or create a membership with another role or state than an active member;
 * - nobody but an operator moves a membership to another group or user;
 * - any other change of a membership (joined_at) is for its own user or a manager of its group.
 */
export interface MembershipCaller {
  uid: number;
  /** Operators, admins and the superuser: Odoo's rights on memberships, unchanged. */
  privileged: boolean;
}

/** A membership as the rule sees it. */
export interface MembershipFacts {
  id: number;
  group_id: number;
  user_id: number;
  role: MemberRole;
  state: MemberState;
}

export const MOVE_MEMBERSHIP_MESSAGE = 'Only an operator can move a membership to another group or user.';
export const LEAVE_OTHERS_MESSAGE = 'Only the member can leave a group: this membership belongs to another user.';
export const BAN_MESSAGE = "Only the group's owner, an admin of the group or an operator can ban a member.";
export const READMIT_MESSAGE = "Only the group's owner, an admin of the group or an operator can readmit a banned member.";
export const REJOIN_OTHERS_MESSAGE = 'Only the member can rejoin a group they left.';
export const ROLE_MESSAGE = "Only the group's owner, an admin of the group or an operator can change a member's role.";
export const OTHERS_MEMBERSHIP_MESSAGE = "Only the member, the group's owner, an admin of the group or an operator can change this membership.";
export const JOIN_OTHERS_MESSAGE = "Only the group's owner, an admin of the group or an operator can add another user to a group.";
export const CREATE_ROLE_STATE_MESSAGE = "Only the group's owner, an admin of the group or an operator can create a membership with another role than member or another state than active.";

/** Odoo's many2one and selection values as written over RPC (an id, `false`, a string), compared as the column holds them. */
function sameValue(column: number | string, written: unknown): boolean {
  if (typeof column === 'number') return typeof written === 'number' ? written === column : false;
  return written === column;
}

/**
 * Why `caller` may not write `vals` on membership `row`, or undefined when they may. `manages`:
 * whether the caller manages the membership's group.
 */
export function membershipWriteRefusal(caller: MembershipCaller, row: MembershipFacts, vals: Readonly<Record<string, unknown>>, manages: boolean): BizRefused | undefined {
  if (caller.privileged) return undefined;
  const refuse = (message: string) => new BizRefused('access', message);
  if (('group_id' in vals && !sameValue(row.group_id, vals.group_id)) || ('user_id' in vals && !sameValue(row.user_id, vals.user_id))) return refuse(MOVE_MEMBERSHIP_MESSAGE);
  const own = row.user_id === caller.uid;
  if ('role' in vals && !sameValue(row.role, vals.role) && !manages) return refuse(ROLE_MESSAGE);
  if ('state' in vals && !sameValue(row.state, vals.state)) {
    if (vals.state === 'left' && !own) return refuse(LEAVE_OTHERS_MESSAGE);
    if (vals.state === 'banned' && !manages) return refuse(BAN_MESSAGE);
    if (vals.state === 'active') {
      if (row.state === 'banned' && !manages) return refuse(READMIT_MESSAGE);
      if (row.state === 'left' && !own) return refuse(REJOIN_OTHERS_MESSAGE);
    }
  }
  if (!own && !manages) return refuse(OTHERS_MEMBERSHIP_MESSAGE);
  return undefined;
}

/** Why `caller` may not create the membership `vals` (defaults applied or not), or undefined when they may. */
export function membershipCreateRefusal(caller: MembershipCaller, vals: Readonly<Record<string, unknown>>, manages: boolean): BizRefused | undefined {
  if (caller.privileged || manages) return undefined;
  if (vals.user_id !== caller.uid) return new BizRefused('access', JOIN_OTHERS_MESSAGE);
  const role = vals.role ?? 'member';
  const state = vals.state ?? 'active';
  if (role !== 'member' || state !== 'active') return new BizRefused('access', CREATE_ROLE_STATE_MESSAGE);
  return undefined;
}

/** The groups among `groupIds` that `uid` manages: owns (`owner_id`), or is an active owner or admin member of. */
export async function groupsManagedBy(sql: SqlRunner, uid: number, groupIds: readonly number[]): Promise<Set<number>> {
  const unique = [...new Set(groupIds)].filter((id) => Number.isSafeInteger(id));
  if (!unique.length) return new Set();
  const rows = await sql.raw<{ id: number }>(
    `SELECT g.id FROM community_groups g
      WHERE g.id = ANY($1::int4[])
        AND (g.owner_id = $2 OR EXISTS (SELECT 1 FROM members m WHERE m.group_id = g.id AND m.user_id = $2 AND m.state = 'active' AND m.role IN ('owner', 'admin')))`,
    [unique, uid],
  );
  return new Set(rows.map((r) => r.id));
}

/** The memberships' facts, by id. */
export async function readMembershipFacts(sql: SqlRunner, ids: readonly number[]): Promise<Map<number, MembershipFacts>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await sql.raw<MembershipFacts>('SELECT id, group_id, user_id, role, state FROM members WHERE id = ANY($1::int4[])', [unique]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Refuses (BizRefused 'access') a write of `vals` on memberships `ids` that the rule does not allow `caller`, before anything is written. */
export async function assertMembershipWrite(sql: SqlRunner, caller: MembershipCaller, ids: readonly number[], vals: Readonly<Record<string, unknown>>): Promise<void> {
  if (caller.privileged || !ids.length) return;
  const rows = await readMembershipFacts(sql, ids);
  const managed = await groupsManagedBy(sql, caller.uid, [...rows.values()].map((r) => r.group_id));
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) continue;
    const refusal = membershipWriteRefusal(caller, row, vals, managed.has(row.group_id));
    if (refusal) throw refusal;
  }
}

/** Refuses (BizRefused 'access') creating memberships `valsList` that the rule does not allow `caller`, before anything is written. */
export async function assertMembershipCreate(sql: SqlRunner, caller: MembershipCaller, valsList: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
  if (caller.privileged || !valsList.length) return;
  const groupIds = valsList.map((v) => v.group_id).filter((g): g is number => typeof g === 'number');
  const managed = await groupsManagedBy(sql, caller.uid, groupIds);
  for (const vals of valsList) {
    const refusal = membershipCreateRefusal(caller, vals, typeof vals.group_id === 'number' && managed.has(vals.group_id));
    if (refusal) throw refusal;
  }
}
