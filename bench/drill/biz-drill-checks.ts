import type pg from 'pg';
import type { BizLoadReport } from './biz-load-types.ts';
import { baselineIds, sideChecker, type SideCheck } from './side-check.ts';

/** The tables the drill writes, and the rows of the drill's users each held before the drill (ids), on the monolith. */
export type BizBaseline = Record<BizTable, Set<number>>;
type BizTable = 'live_streams' | 'community_groups' | 'members';

/** Who a table's drill rows belong to: streams by host, groups by owner (coaches), memberships by member. */
const OWNER_COLUMN: Record<BizTable, 'host_id' | 'owner_id' | 'user_id'> = { live_streams: 'host_id', community_groups: 'owner_id', members: 'user_id' };
const TABLES = Object.keys(OWNER_COLUMN) as BizTable[];

/** One side's rows against what the clients were answered. */
export type BizSideCheck = SideCheck;

/** The ids of the rows each table holds for the drill's coaches (streams, groups) and members (memberships), before the drill writes any. */
export async function bizBaseline(pool: pg.Pool, users: { members: readonly number[]; coaches: readonly number[] }): Promise<BizBaseline> {
  return (await baselineIds(pool, TABLES.map((table) => ({ table, where: ofOwners(table), owners: table === 'members' ? users.members : users.coaches })))) as BizBaseline;
}

const ofOwners = (table: BizTable) => `${OWNER_COLUMN[table]} = ANY($1::int4[])`;

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it (a stream's title, host, state, viewer peak, key, and its start and
 * end as the state gives them; a group's name and owner, its stored member_count the number of
 * its memberships the drill left active; a membership's group, member and state), and no other
 * new row of the drill's users in these tables.
 */
export async function checkBizSide(side: BizSideCheck['side'], pool: pg.Pool, baseline: BizBaseline, report: BizLoadReport): Promise<BizSideCheck> {
  const { check, newRows: rowsOf, compare } = sideChecker(side, pool, baseline);
  const newRows = <R extends { id: number }>(table: BizTable, columns: string) => rowsOf<R>(table, columns, ofOwners(table), table === 'members' ? report.memberIds : report.coachIds);

  const streams = await newRows<{ id: number; host_id: number; title: string; stream_key: string | null; state: string; viewer_peak: number | null; started: boolean; ended: boolean }>(
    'live_streams', 'host_id, title, stream_key, state, viewer_peak, started_at IS NOT NULL AS started, ended_at IS NOT NULL AS ended',
  );
  compare('live_streams', report.streams, streams, (t, r) => {
    if (r.host_id !== t.hostId || r.title !== t.title || r.state !== t.state || (r.viewer_peak ?? 0) !== t.viewerPeak || (t.streamKey !== null && r.stream_key !== t.streamKey)) {
      return `holds host ${r.host_id} "${r.title}" ${r.state} peak ${r.viewer_peak} key ${r.stream_key}, last written host ${t.hostId} "${t.title}" ${t.state} peak ${t.viewerPeak} key ${t.streamKey}`;
    }
    return r.started !== (t.state !== 'scheduled') || r.ended !== (t.state === 'ended') ? `${t.state} with${r.started ? '' : 'out'} a start and with${r.ended ? '' : 'out'} an end` : undefined;
  });

  const activeByGroup = new Map<number, number>();
  for (const m of report.memberships) if (m.state === 'active') activeByGroup.set(m.groupId, (activeByGroup.get(m.groupId) ?? 0) + 1);
  const groups = await newRows<{ id: number; owner_id: number; name: string; member_count: number | null }>('community_groups', 'owner_id, name, member_count');
  compare('community_groups', report.groups, groups, (t, r) => {
    const active = activeByGroup.get(t.id) ?? 0;
    return r.owner_id !== t.ownerId || r.name !== t.name || (r.member_count ?? 0) !== active
      ? `holds owner ${r.owner_id} "${r.name}" with ${r.member_count} members, written owner ${t.ownerId} "${t.name}" with ${active} active memberships`
      : undefined;
  });

  const memberships = await newRows<{ id: number; group_id: number; user_id: number; state: string }>('members', 'group_id, user_id, state');
  compare('members', report.memberships, memberships, (t, r) =>
    r.group_id !== t.groupId || r.user_id !== t.userId || r.state !== t.state ? `holds user ${r.user_id} ${r.state} in group ${r.group_id}, last written user ${t.userId} ${t.state} in group ${t.groupId}` : undefined);
  return check;
}
