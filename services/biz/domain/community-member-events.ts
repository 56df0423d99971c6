import type { NewEvent } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { MemberRole, MemberState } from '../db/tables.ts';
import type { BizEventSink } from './biz-events.ts';

/** `joined_at` (or, without one, `create_date`) as RFC 3339 text, read so by SQL: pg would parse a `timestamp` in the process's zone. */
interface ChangedMember { id: number; group_id: number; user_id: number; role: MemberRole; state: MemberState; joined_at: string; owner_id: number | null }

/**
 * community_member_changed, keyed by the membership so its changes keep their order: the state
 * after the change and the group's owner at that moment (whose workbench counts the group's
 * growth). A membership created without joined_at (Odoo allows False) is dated by its creation.
 */
export function memberChangedEvent(member: ChangedMember): NewEvent<'community_member_changed'> {
  return {
    type: 'community_member_changed',
    subject: `hp.community.member/${member.id}`,
    key: `hp.community.member/${member.id}`,
    data: {
      memberId: member.id, groupId: member.group_id, userId: member.user_id, groupOwnerId: member.owner_id, role: member.role, state: member.state,
      joinedAt: member.joined_at,
    },
  };
}

/** Announces memberships `ids` as they are now (just created, or their state or group changed), in the caller's transaction. */
export async function announceMemberChanges(sql: SqlRunner, events: BizEventSink, ids: readonly number[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const rows = await sql.raw<ChangedMember>(
    `SELECT m.id, m.group_id, m.user_id, m.role, m.state, g.owner_id,
            to_char(COALESCE(m.joined_at, m.create_date, now() at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS joined_at
       FROM members m LEFT JOIN community_groups g ON g.id = m.group_id WHERE m.id = ANY($1::int4[]) ORDER BY m.id`,
    [unique],
  );
  await events.publish(rows.map(memberChangedEvent));
}
