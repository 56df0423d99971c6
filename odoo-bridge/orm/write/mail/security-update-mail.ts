import type { CallContext } from '../../call-context.ts';
import { configParameter, str2bool, xmlidToResId } from '../core/xmlid.ts';
import { currentAuthor, replyTo } from './mail-message-log.ts';
import { generateTrackingMessageId, partnerEmailFormatted } from './mail-format.ts';

/**
 * mail's res.users `_notify_security_setting_update` (addons/mail/models/res_users.py, Odoo 18):
 * after a write changing a user's login, password or email, each user gets a security email,
 * queued as a `mail.mail` (state outgoing, auto-deleted once sent) whose `mail.message` is a
 * private email (no document, message_type email_outgoing, body '' as the HTML lives on the mail).
 * Written as sudo by the current user: its partner is the author.
 */
export interface SecurityUpdate {
  subject: string;
  content: string;
  /** Where the email goes instead of the user's own address (the previous one, for an email change). */
  emailTo?: string;
  suggestPasswordReset?: boolean;
}

interface UserFacts {
  id: number;
  name: string | null;
  email: string | null;
  companyName: string | null;
  companyEmail: string | null;
  companyPartnerName: string | null;
}

export async function notifySecuritySettingUpdate(ctx: CallContext, userIds: readonly number[], update: SecurityUpdate): Promise<void> {
  if (!userIds.length || !ctx.registry.model('mail.mail')) return;
  const { rows: users } = await ctx.db.query<UserFacts>(
    `SELECT u.id, p.name, p.email, c.name AS "companyName", cp.email AS "companyEmail", cp.name AS "companyPartnerName"
       FROM res_users u JOIN res_partner p ON p.id = u.partner_id
       LEFT JOIN res_company c ON c.id = u.company_id LEFT JOIN res_partner cp ON cp.id = c.partner_id
      WHERE u.id = ANY($1::int4[])`,
    [[...userIds]],
  );
  const byId = new Map(users.map((u) => [u.id, u]));
  const author = await currentAuthor(ctx);
  const root = await rootEmailFormatted(ctx);
  const suggestReset = (update.suggestPasswordReset ?? true) && str2bool(await configParameter(ctx.db, 'auth_signup.reset_password'), true);
  const baseUrl = (await configParameter(ctx.db, 'web.base.url')) ?? 'http://localhost:8069';
  for (const id of userIds) {
    const user = byId.get(id);
    if (!user) continue;
    const emailFrom = partnerEmailFormatted(user.companyPartnerName, user.companyEmail) || author.emailFrom || root;
    const emailTo = update.emailTo ?? partnerEmailFormatted(user.name, user.email);
    const body = securityUpdateHtml({ name: user.name ?? '', company: user.companyName ?? '', content: update.content, at: new Date(), resetUrl: suggestReset ? `${baseUrl}/web/reset_password` : null });
    const message = await ctx.db.query<{ id: number }>(
      `INSERT INTO mail_message (author_id, email_from, message_type, subject, body, email_add_signature, message_id, reply_to,
                                 date, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, 'email_outgoing', $3, '', true, $4, $5, date_trunc('second', now() at time zone 'UTC'), $6, $6,
               now() at time zone 'UTC', now() at time zone 'UTC')
       RETURNING id`,
      [author.partnerId, emailFrom || null, update.subject, generateTrackingMessageId('private'), (await replyTo(ctx, emailFrom)) || null, ctx.uid],
    );
    await ctx.db.query(
      `INSERT INTO mail_mail (mail_message_id, state, auto_delete, body_html, email_to, create_uid, write_uid, create_date, write_date)
       VALUES ($1, 'outgoing', true, $2, $3, $4, $4, now() at time zone 'UTC', now() at time zone 'UTC')`,
      [message.rows[0]!.id, body, emailTo || null, ctx.uid],
    );
  }
}

/** `base.user_root`'s email_formatted, the last resort for the sender. */
async function rootEmailFormatted(ctx: CallContext): Promise<string | false> {
  const root = await xmlidToResId(ctx.db, 'base.user_root', 'res.users');
  if (root == null) return false;
  const r = await ctx.db.query<{ name: string | null; email: string | null }>(`SELECT p.name, p.email FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [root]);
  return r.rows[0] ? partnerEmailFormatted(r.rows[0].name, r.rows[0].email) : false;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `MM/DD/YYYY HH:MM` as the template's datetime widget shows it for en_US (UTC: the user's tz is not applied). */
function shortDatetime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())}/${at.getUTCFullYear()} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}`;
}

/** mail.account_security_setting_update inside mail.mail_notification_light: the same texts and links. */
function securityUpdateHtml(o: { name: string; company: string; content: string; at: Date; resetUrl: string | null }): string {
  const name = escapeHtml(o.name);
  const reset = o.resetUrl ? `\n    <li>\n        <span>We suggest you start by</span>\n        <a href="${escapeHtml(o.resetUrl)}">\n            Resetting Your Password\n        </a>\n    </li>` : '';
  const content = `
<p>
    <span>Dear ${name},</span>
</p>
<p>
    <span>${escapeHtml(o.content)}</span>
    <span>(${shortDatetime(o.at)}).</span>
</p>
<p>
    <span>If this was done by you:</span><br/>
    <ul>
        <li>You can safely ignore this message</li>
    </ul>
</p>
<p>
    <span>If this was not done by you:</span>
</p>
<ul class="o_mail_account_security_suggestions">${reset}
    <li>
        <span>Consider</span>
        <a href="https://www.odoo.com/documentation/master/applications/general/auth/2fa.html">
            activating Two-factor Authentication
        </a>
    </li>
    <li>
        Contact your administrator
    </li>
</ul>`;
  return `
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html charset=UTF-8"/>
</head>
<body>
<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="padding-top: 16px; background-color: #F1F1F1; font-family:Verdana, Arial,sans-serif; color: #454748; width: 100%; border-collapse:separate;"><tr><td align="center">
<table role="presentation" border="0" cellpadding="0" cellspacing="0" width="590" style="padding: 24px; background-color: white; color: #454748; border-collapse:separate;">
<tbody>
    <tr>
        <td align="center" style="min-width: 590px;">
            <span style="font-size: 10px;">Your Account</span>
            <br/>
            <span style="font-size: 20px; font-weight: bold;">${name}</span>
        </td>
    </tr>
    <tr>
        <td style="min-width: 590px;">${content}
        </td>
    </tr>
    <tr>
        <td align="center" style="min-width: 590px; padding: 0 8px 0 8px; font-size:11px;">
            <b>${escapeHtml(o.company)}</b>
        </td>
    </tr>
</tbody>
</table>
</td></tr>
</table>
</body>
</html>`;
}
