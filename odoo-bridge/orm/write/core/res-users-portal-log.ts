import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { messagePost } from '../mail/message-post.ts';
import { moduleInstalled, xmlidToResId } from './xmlid.ts';

/**
 * mail's res.users "manual tracking" of portal access (addons/mail/models/res_users.py `create`,
 * `write`, `_get_portal_access_update_body`): unless `mail_create_nolog`/`mail_notrack`, a user
 * created in base.group_portal, or whose groups write makes them enter or leave it, gets a note
 * posted on their partner by message_post (notification, mail.mt_note) as the caller:
 * "Portal Access Granted" / "Portal Access Revoked", followed by " (<partner email>)" when the
 * partner has one.
 */

const portalBefore = new WeakMap<Vals, Map<number, boolean>>();

async function portalStatus(ctx: CallContext, ids: readonly number[]): Promise<Map<number, boolean>> {
  const portal = await xmlidToResId(ctx.db, 'base.group_portal', 'res.groups');
  const { rows } = await ctx.db.query<{ id: number; portal: boolean }>(
    `SELECT u.id, EXISTS (SELECT 1 FROM res_groups_users_rel r WHERE r.uid = u.id AND r.gid = $2) AS portal FROM res_users u WHERE u.id = ANY($1::int4[])`,
    [ids, portal ?? 0],
  );
  return new Map(rows.map((r) => [r.id, r.portal]));
}

const logsPortalAccess = (ctx: CallContext) => !ctx.context.mail_create_nolog && !ctx.context.mail_notrack;

async function postPortalNote(ctx: CallContext, behaviours: BehaviourRegistry, userId: number, granted: boolean): Promise<void> {
  const partnerModel = ctx.registry.model('res.partner');
  const { rows } = await ctx.db.query<{ partner_id: number; email: string | null }>(
    `SELECT u.partner_id, p.email FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row || !partnerModel) return;
  const text = granted ? 'Portal Access Granted' : 'Portal Access Revoked';
  const body = row.email ? `${text} (${row.email})` : text;
  await messagePost(ctx, behaviours, partnerModel, [row.partner_id], { body, message_type: 'notification', subtype_xmlid: 'mail.mt_note' });
}

export function registerPortalAccessLog(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', {
    async afterCreate(ctx, ids) {
      if (!logsPortalAccess(ctx) || !(await moduleInstalled(ctx.db, 'mail'))) return;
      const status = await portalStatus(ctx, ids);
      for (const id of ids) if (status.get(id)) await postPortalNote(ctx, behaviours, id, true);
    },
    async beforeWrite(ctx, ids, vals) {
      if ('groups_id' in vals && logsPortalAccess(ctx)) portalBefore.set(vals, await portalStatus(ctx, ids));
    },
    async afterWrite(ctx, ids, vals) {
      const before = portalBefore.get(vals);
      if (!before || !(await moduleInstalled(ctx.db, 'mail'))) return;
      const now = await portalStatus(ctx, ids);
      for (const id of ids) if (now.get(id) !== before.get(id)) await postPortalNote(ctx, behaviours, id, now.get(id) === true);
    },
  });
}
