import { sanitizeHtml } from '../html/html-sanitize.ts';
import type { CallContext } from '../../call-context.ts';
import { xmlidToResId } from './xmlid.ts';

/**
 * Stored computes of res.users in the addons a stock Odoo 18 database has (base, mail,
 * web_tour, sales_team), and res.partner.partner_share, which follows the users' share flag.
 */

/** base `_compute_share` (depends groups_id): share = not in base.group_user. Then partner_share follows. */
export async function computeShare(ctx: CallContext, ids: number[]): Promise<void> {
  const employee = await xmlidToResId(ctx.db, 'base.group_user', 'res.groups');
  await ctx.db.query(
    `UPDATE res_users u SET share = NOT EXISTS (SELECT 1 FROM res_groups_users_rel r WHERE r.uid = u.id AND r.gid = $2)
      WHERE u.id = ANY($1::int4[])`,
    [ids, employee ?? 0],
  );
  await refreshPartnerShare(ctx, ids);
}

/** res.partner `_compute_partner_share` (depends user_ids.share): shared unless an internal user is linked. */
export async function refreshPartnerShare(ctx: CallContext, userIds: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE res_partner p SET partner_share = NOT EXISTS (SELECT 1 FROM res_users x WHERE x.partner_id = p.id AND NOT COALESCE(x.share, false))
      WHERE p.id IN (SELECT partner_id FROM res_users WHERE id = ANY($1::int4[]))`,
    [userIds],
  );
}

/**
 * mail `_compute_notification_type` (depends share, groups_id): 'inbox' exactly for members of
 * mail.group_mail_notification_type_inbox; share users are 'email' and leave that group.
 */
export async function computeNotificationType(ctx: CallContext, ids: number[]): Promise<void> {
  const inbox = await xmlidToResId(ctx.db, 'mail.group_mail_notification_type_inbox', 'res.groups');
  if (inbox == null) {
    await ctx.db.query(`UPDATE res_users SET notification_type = 'email' WHERE id = ANY($1::int4[]) AND (share OR notification_type IS NULL)`, [ids]);
    return;
  }
  await ctx.db.query(
    `UPDATE res_users u SET notification_type = CASE WHEN EXISTS (SELECT 1 FROM res_groups_users_rel r WHERE r.uid = u.id AND r.gid = $2) THEN 'inbox' ELSE 'email' END
      WHERE u.id = ANY($1::int4[])`,
    [ids, inbox],
  );
  const demoted = await ctx.db.query<{ id: number }>(`SELECT id FROM res_users WHERE id = ANY($1::int4[]) AND share AND notification_type = 'inbox'`, [ids]);
  const portal = demoted.rows.map((r) => r.id);
  if (!portal.length) return;
  await ctx.db.query(`UPDATE res_users SET notification_type = 'email' WHERE id = ANY($1::int4[])`, [portal]);
  await ctx.db.query(`DELETE FROM res_groups_users_rel WHERE gid = $1 AND uid = ANY($2::int4[])`, [inbox, portal]);
}

/** base `_compute_signature` (depends name): users with a name and an empty signature get "--" and their name. */
export async function computeSignature(ctx: CallContext, ids: number[]): Promise<void> {
  const rows = await ctx.db.query<{ id: number; name: string | null; signature: string | null }>(
    `SELECT u.id, p.name, u.signature FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1::int4[])`,
    [ids],
  );
  const signatureField = ctx.registry.model('res.users')?.fields.get('signature');
  for (const row of rows.rows) {
    if (!row.name || !isHtmlEmpty(row.signature)) continue;
    // Markup('<p>--<br />%s</p>') % name, stored through the Html field's sanitizer (which marks it as a mail quote).
    const markup = `<p>--<br />${escapeHtml(row.name)}</p>`;
    const signature = signatureField?.htmlSanitize ? sanitizeHtml(markup, signatureField.htmlSanitize) : markup;
    await ctx.db.query(`UPDATE res_users SET signature = $2 WHERE id = $1`, [row.id, signature]);
  }
}

/** web_tour `_compute_tour_enabled` (depends create_date): admins of a database without demo data. */
export async function computeTourEnabled(ctx: CallContext, ids: number[]): Promise<void> {
  const demo = await ctx.db.query(`SELECT 1 FROM ir_module_module WHERE demo LIMIT 1`);
  if (demo.rowCount) {
    await ctx.db.query(`UPDATE res_users SET tour_enabled = false WHERE id = ANY($1::int4[])`, [ids]);
    return;
  }
  const erpManager = await xmlidToResId(ctx.db, 'base.group_erp_manager', 'res.groups');
  await ctx.db.query(
    `UPDATE res_users u SET tour_enabled = (u.id = 1 OR EXISTS (SELECT 1 FROM res_groups_users_rel r WHERE r.uid = u.id AND r.gid = $2))
      WHERE u.id = ANY($1::int4[])`,
    [ids, erpManager ?? 0],
  );
}

/** sales_team `_compute_sale_team_id`: the team of the user's first active membership (crm.team.member order: create_date, id). */
export async function computeSaleTeam(ctx: CallContext, ids: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE res_users u SET sale_team_id = (SELECT m.crm_team_id FROM crm_team_member m WHERE m.user_id = u.id AND m.active
                                            ORDER BY m.create_date, m.id LIMIT 1)
      WHERE u.id = ANY($1::int4[])`,
    [ids],
  );
}

/** tools.is_html_empty: nothing left once the layout tags are removed. */
function isHtmlEmpty(html: string | null): boolean {
  if (!html) return true;
  return !html.replace(/<\s*\/?(?:p|div|section|span|br|b|i|font)(?:(?=\s+\w*)[^/>]*|\s*)\/?\s*>/g, '').trim();
}

/** markupsafe's escape (the sanitizer then writes quotes back literally). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
