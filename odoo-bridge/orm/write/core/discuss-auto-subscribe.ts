import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { createRecords } from '../record-writes.ts';
import { ident } from '../write-env.ts';

/**
 * mail's discuss `res.users.create` (addons/mail/models/discuss/res_users.py): the channels
 * auto-subscribing a group of the new users (`discuss.channel.group_ids`) get every active
 * partner of those groups' users who is not a member yet
 * (discuss_channel.py `_subscribe_users_automatically_get_members`), as sudo-created
 * `discuss.channel.member` records (their Python defaults: closed, separator 0, interest now).
 */
export async function subscribeUsersToGroupChannels(ctx: CallContext, behaviours: BehaviourRegistry, userIds: number[]): Promise<void> {
  const channel = ctx.registry.model('discuss.channel');
  const member = ctx.registry.model('discuss.channel.member');
  const groups = channel?.fields.get('group_ids');
  if (!channel?.table || !member?.table || !groups?.relationTable || !groups.column1 || !groups.column2 || !userIds.length) return;
  const rel = ident(groups.relationTable);
  const channels = await ctx.db.query<{ id: number }>(
    `SELECT DISTINCT r.${ident(groups.column1)} AS id FROM ${rel} r JOIN res_groups_users_rel g ON g.gid = r.${ident(groups.column2)}
      WHERE g.uid = ANY($1::int4[]) ORDER BY 1`,
    [userIds],
  );
  const toCreate: Array<{ channel_id: number; partner_id: number }> = [];
  for (const { id } of channels.rows) {
    const partners = await ctx.db.query<{ partner_id: number }>(
      `SELECT DISTINCT p.id AS partner_id FROM ${rel} r JOIN res_groups_users_rel g ON g.gid = r.${ident(groups.column2)}
         JOIN res_users u ON u.id = g.uid JOIN res_partner p ON p.id = u.partner_id
        WHERE r.${ident(groups.column1)} = $1 AND p.active
          AND NOT EXISTS (SELECT 1 FROM discuss_channel_member m WHERE m.channel_id = $1 AND m.partner_id = p.id)
        ORDER BY p.id`,
      [id],
    );
    for (const { partner_id } of partners.rows) toCreate.push({ channel_id: id, partner_id });
  }
  if (toCreate.length) await createRecords({ ctx, behaviours }, member, toCreate, { checkAccess: false });
}
