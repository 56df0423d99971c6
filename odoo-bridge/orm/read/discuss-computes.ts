import { sql } from 'kysely';
import type { Sql } from '../domain/search-env.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { writableByReader } from './reader-rights.ts';

/**
 * discuss.channel and discuss.channel.member computes an all-fields read answers (mail's
 * models/discuss, Odoo 18), as the reading user:
 *
 * | field | value |
 * |---|---|
 * | channel invitation_url | `/chat/<id>/<uuid>` |
 * | channel member_count | members of the channel the reader's member search finds (`_read_group` as the user) |
 * | channel channel_partner_ids | the partners of the channel's members as the reader reads them (member order, each once) |
 * | channel is_editable | `has_access('write')`: the write ACL, then the write rules over the channel |
 * | channel is_member | a member the reader can search is the reader's own (`is_self`: the user's partner, not for the public user) |
 * | member message_unread_counter | (sudo, SQL) the channel's messages other than notifications from the member's new-message separator on |
 * | member is_pinned | never unpinned, or the member's or the channel's last interest since the unpin |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** `not user._is_public() and user.partner_id`: none for a public user. */
function readerPartner(scope: ComputeScope): Sql {
  return sql`(SELECT u.partner_id FROM res_users u WHERE u.id = ${sql.lit(scope.uid)} AND NOT EXISTS (
    SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'base' AND d.name = 'group_public'
     WHERE r.uid = u.id))`;
}

/** The channel's members as the reader searches them, with `extra` as a further condition on the member alias. */
function membersAsReader(scope: ComputeScope, channel: Sql, select: (member: (name: string) => Sql) => Sql, extra?: (member: (name: string) => Sql) => Sql): Sql {
  const members = searchAsReader(scope, 'discuss.channel.member', []);
  const m = (name: string) => sql.ref(`${members.alias}.${name}`);
  return sql`(SELECT ${select(m)} FROM ${sql.table(members.table)} AS ${sql.table(members.alias)}
    WHERE ${m('channel_id')} = ${channel} AND ${members.where}${extra ? sql` AND ${extra(m)}` : sql``})`;
}

export const DISCUSS_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'discuss.channel.invitation_url': { dependsOn: ['uuid'], compute: (r) => `/chat/${r.id}/${r.uuid ?? 'False'}` },
  'discuss.channel.member_count': {
    dependsOn: [], readsTables: ['discuss_channel_member'],
    select: (a, scope) => membersAsReader(scope, column(a, 'id'), () => sql`count(*)::int`),
    compute: (r) => Number(r.member_count ?? 0),
  },
  'discuss.channel.channel_partner_ids': {
    dependsOn: [], readsTables: ['discuss_channel_member'],
    select: (a, scope) => membersAsReader(scope, column(a, 'id'), (m) => sql`COALESCE(json_agg(${m('partner_id')} ORDER BY ${m('id')}) FILTER (WHERE ${m('partner_id')} IS NOT NULL), '[]'::json)`),
    compute: (r) => [...new Set(json<number[]>(r.channel_partner_ids))],
  },
  'discuss.channel.is_member': {
    dependsOn: [], readsTables: ['discuss_channel_member', 'res_users', 'res_groups_users_rel', 'ir_model_data'],
    select: (a, scope) => sql`COALESCE(${membersAsReader(scope, column(a, 'id'), () => sql`count(*) > 0`, (m) => sql`${m('partner_id')} = ${readerPartner(scope)}`)}, false)`,
    compute: (r) => r.is_member === true,
  },
  // `has_access('write')` (discuss.channel has no `_check_access` of its own).
  'discuss.channel.is_editable': {
    dependsOn: [], readsTables: [],
    select: (a, scope) => sql`COALESCE(${writableByReader(scope, 'discuss.channel', a)}, false)`,
    compute: (r) => r.is_editable === true,
  },
  'discuss.channel.member.message_unread_counter': {
    dependsOn: [], readsTables: ['mail_message'],
    select: (a) => sql`(SELECT count(m.id)::int FROM mail_message m WHERE m.model = 'discuss.channel' AND m.res_id = ${column(a, 'channel_id')}
      AND m.message_type NOT IN ('notification', 'user_notification') AND m.id >= ${column(a, 'new_message_separator')})`,
    compute: (r) => Number(r.message_unread_counter ?? 0),
  },
  'discuss.channel.member.is_pinned': {
    dependsOn: [], readsTables: ['discuss_channel'],
    select: (a) => sql`(${column(a, 'unpin_dt')} IS NULL OR ${column(a, 'last_interest_dt')} >= ${column(a, 'unpin_dt')}
      OR COALESCE((SELECT c.last_interest_dt >= ${column(a, 'unpin_dt')} FROM discuss_channel c WHERE c.id = ${column(a, 'channel_id')}), false))`,
    compute: (r) => r.is_pinned === true,
  },
};
