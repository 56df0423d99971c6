import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CommunityPrivacy, MemberRole, MemberState } from '../db/tables.ts';

interface GroupRow { id: number; name: string; description: string | null; privacy: CommunityPrivacy; owner_id: number | null; fee: string | null; currency_id: number; member_count: number; created_at: string | null }
interface MemberRow { id: number; group_id: number; user_id: number; role: MemberRole; state: MemberState; joined_at: string | null }

const utc = (column: RawBuilder<unknown>) => sql<string | null>`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

// The fee with its currency's decimal places, as a Monetary field shows it (a copied numeric may have lost its scale).
const GROUP_COLUMNS = sql`g.id, g.name, g.description, g.privacy, g.owner_id,
  round(g.fee, COALESCE((SELECT c.decimal_places FROM res_currency c WHERE c.id = g.currency_id), 2))::text AS fee, g.currency_id, COALESCE(g.member_count, 0)::int AS member_count, ${utc(sql`g.create_date`)} AS created_at`;
const MEMBER_COLUMNS = sql`m.id, m.group_id, m.user_id, m.role, m.state, ${utc(sql`m.joined_at`)} AS joined_at`;

/** A group as REST shows it. */
export const groupResource = (r: GroupRow) => ({
  id: r.id, name: r.name, description: r.description, privacy: r.privacy, ownerId: r.owner_id, fee: r.fee, currencyId: r.currency_id, memberCount: r.member_count, createdAt: r.created_at,
});
export type GroupResource = ReturnType<typeof groupResource>;

/** A membership as REST shows it. */
export const memberResource = (r: MemberRow) => ({ id: r.id, groupId: r.group_id, userId: r.user_id, role: r.role, state: r.state, joinedAt: r.joined_at });
export type MemberResource = ReturnType<typeof memberResource>;

/** One group among those `visible` (hp.community.group's read rules), or undefined. */
export async function readGroupResource(db: Kysely<any>, id: number, visible: RawBuilder<boolean> = sql<boolean>`TRUE`): Promise<GroupResource | undefined> {
  const { rows } = await sql<GroupRow>`SELECT ${GROUP_COLUMNS} FROM community_groups g WHERE g.id = ${id} AND ${visible}`.execute(db);
  return rows[0] && groupResource(rows[0]);
}

export interface GroupFilters { privacy?: CommunityPrivacy; owner_id?: number; member_id?: number; name?: string; limit: number; offset: number }

/** A page of the visible groups in hp.community.group's order (`_order = 'name'`, id to break ties), with the total. */
export async function listGroupResources(db: Kysely<any>, visible: RawBuilder<boolean>, filters: GroupFilters): Promise<{ items: GroupResource[]; total: number }> {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (filters.privacy) conditions.push(sql`g.privacy = ${filters.privacy}`);
  if (filters.owner_id) conditions.push(sql`g.owner_id = ${filters.owner_id}`);
  if (filters.member_id) conditions.push(sql`EXISTS (SELECT 1 FROM members m WHERE m.group_id = g.id AND m.user_id = ${filters.member_id} AND m.state = 'active')`);
  // Odoo's ilike: `%` and `_` in the text match themselves.
  if (filters.name) conditions.push(sql`g.name ILIKE ${`%${filters.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<GroupRow>`SELECT ${GROUP_COLUMNS} FROM community_groups g WHERE ${where} ORDER BY g.name, g.id LIMIT ${filters.limit} OFFSET ${filters.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM community_groups g WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map(groupResource), total: count.rows[0]!.n };
}

/** The membership of `userId` in group `groupId` among those `visible` (hp.community.member's read rules), or undefined. */
export async function readMemberResource(db: Kysely<any>, groupId: number, userId: number, visible: RawBuilder<boolean> = sql<boolean>`TRUE`): Promise<MemberResource | undefined> {
  const { rows } = await sql<MemberRow>`SELECT ${MEMBER_COLUMNS} FROM members m WHERE m.group_id = ${groupId} AND m.user_id = ${userId} AND ${visible}`.execute(db);
  return rows[0] && memberResource(rows[0]);
}

export interface MemberFilters { state?: MemberState; role?: MemberRole; limit: number; offset: number }

/** A page of a group's visible memberships in hp.community.member's order (`group_id, joined_at, id`), with the total. */
export async function listMemberResources(db: Kysely<any>, groupId: number, visible: RawBuilder<boolean>, filters: MemberFilters): Promise<{ items: MemberResource[]; total: number }> {
  const conditions: RawBuilder<unknown>[] = [sql`m.group_id = ${groupId}`, visible];
  if (filters.state) conditions.push(sql`m.state = ${filters.state}`);
  if (filters.role) conditions.push(sql`m.role = ${filters.role}`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<MemberRow>`SELECT ${MEMBER_COLUMNS} FROM members m WHERE ${where} ORDER BY m.joined_at, m.id LIMIT ${filters.limit} OFFSET ${filters.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM members m WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map(memberResource), total: count.rows[0]!.n };
}
