import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * hp.community.group's stored `member_count` (`@api.depends('member_ids.state')`: the group's
 * members in state `active`), written as Odoo's recompute flushes it: with write_uid and
 * write_date (`_write_multi` stamps computed fields too), as the user whose change caused it.
 *
 * Every member create, write and unlink recomputes the groups it touches, on every protocol. The
 * group rows are locked first, in id order: under READ COMMITTED (REST, event handlers) the count
 * then runs on a snapshot taken after any concurrent change of the same group committed, so two
 * joins at once both count; under REPEATABLE READ (Odoo RPC) the lock meets a concurrent change
 * as a serialization failure, and the call is retried as Odoo's RPC layer retries it. The lock is
 * FOR NO KEY UPDATE, the UPDATE's own: on the monolith a member's INSERT has already taken FOR KEY
 * SHARE on its group (the foreign key), which a FOR UPDATE would have to wait out, and two joins
 * of one group would deadlock.
 * `leaving`: members about to be deleted (an unlink recomputes before its DELETE).
 */
export async function recomputeMemberCount(sql: SqlRunner, groupIds: readonly number[], uid: number, leaving: readonly number[] = []): Promise<void> {
  const unique = [...new Set(groupIds)].filter((id) => Number.isSafeInteger(id)).sort((a, b) => a - b);
  if (!unique.length) return;
  await sql.raw('SELECT id FROM community_groups WHERE id = ANY($1::int4[]) ORDER BY id FOR NO KEY UPDATE', [unique]);
  await sql.raw(
    `UPDATE community_groups g
        SET member_count = (SELECT count(*) FROM members m WHERE m.group_id = g.id AND m.state = 'active' AND m.id <> ALL($2::int4[])),
            write_uid = $3, write_date = (now() at time zone 'UTC')
      WHERE g.id = ANY($1::int4[])`,
    [unique, [...leaving], uid],
  );
}

/** The groups of these memberships (the groups whose member_count a change of them moves). */
export async function groupsOfMemberships(sql: SqlRunner, memberIds: readonly number[]): Promise<number[]> {
  if (!memberIds.length) return [];
  const rows = await sql.raw<{ group_id: number }>('SELECT DISTINCT group_id FROM members WHERE id = ANY($1::int4[])', [[...new Set(memberIds)]]);
  return rows.map((r) => r.group_id);
}
