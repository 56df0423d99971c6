import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { displayNames } from '../../read/read-records.ts';
import { translated, type ModelInfo } from '../../registry/types.ts';
import { sanitizeHtml } from '../html/html-sanitize.ts';
import { xmlidToResId } from '../core/xmlid.ts';
import { ident } from '../write-env.ts';
import { currentAuthor } from './mail-message-log.ts';
import { generateTrackingMessageId } from './mail-format.ts';
import { escapeMarkup } from './notification-layout.ts';
import { notifyThread } from './notify-thread.ts';

/**
 * The assignment notification of mail.thread's auto-subscription (addons/mail/models/
 * mail_thread.py 18 `_message_auto_subscribe_notify` → `message_notify`; the body is
 * addons/mail/data/mail_templates_chatter.xml `mail.message_user_assigned`): when a record's
 * tracked `user_id` is set to an active user other than the writer, that user's partner gets a
 * private `user_notification` message on the record ("You have been assigned to …", note subtype,
 * internal, the record's display name as record name, layout mail.mail_notification_layout),
 * notified by inbox or email as its user chose (notify-thread.ts).
 */
export async function notifyAssignment(ctx: CallContext, model: ModelInfo, resId: number, userId: number): Promise<void> {
  if (ctx.context.mail_auto_subscribe_no_notify) return;
  const user = await ctx.db.query<{ partner_id: number; name: string | null; lang: string | null }>(
    `SELECT u.partner_id, p.name, p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [userId],
  );
  const assignee = user.rows[0];
  if (!assignee) return;
  // `with_context(lang=partner.lang)`: the words of the template and the subject are translated; Ficus has English only.
  if (assignee.lang && assignee.lang !== 'en_US') throw missingBehaviour(model.name, `the assignment notification in ${assignee.lang} (no translations)`);
  const modelDescription = translated(model.description, 'en_US') || model.name;
  const displayName = (await displayNames(ctx.readEnv({ sudo: true }), model, [resId])).get(resId) || '';
  const rendered = `<span>Dear ${escapeMarkup(assignee.name ?? '')},</span>\n    <br/><br/>\n    <span style="margin-top: 8px;">You have been assigned to the ${escapeMarkup(modelDescription)} ${escapeMarkup(displayName)}.</span>\n    <br/>`;
  const bodyFlags = ctx.registry.model('mail.message')?.fields.get('body')?.htmlSanitize;
  const body = bodyFlags ? sanitizeHtml(rendered, bodyFlags) : rendered;
  const subject = `You have been assigned to ${displayName}`;

  const author = await currentAuthor(ctx);
  if (!author.emailFrom && !ctx.access.superuser) throw missingBehaviour(model.name, "the assignment notification of a user without an email (Odoo: \"Unable to send message, please configure the sender's email address.\")");
  const company = await documentCompany(ctx, model, resId);
  const aliasDomain = await ctx.db
    .query<{ id: number; catchall: boolean }>(
      `SELECT d.id, COALESCE(d.catchall_alias, '') <> '' AS catchall FROM mail_alias_domain d
        WHERE d.id = COALESCE((SELECT alias_domain_id FROM res_company WHERE id = $1), (SELECT alias_domain_id FROM res_company WHERE id = $2),
                              (SELECT id FROM mail_alias_domain ORDER BY sequence, id LIMIT 1))`,
      [company, ctx.access.companyId],
    )
    .then((r) => r.rows[0] ?? null);
  if (aliasDomain?.catchall) throw missingBehaviour(model.name, 'the reply-to of an assignment notification on a company with a catchall alias');
  if (model.fields.has('alias_id')) throw missingBehaviour(model.name, 'the reply-to of an assignment notification on a document with its own alias');
  const subtypeId = await xmlidToResId(ctx.db, 'mail.mt_note');
  const messageIdHeader = generateTrackingMessageId('message-notify');
  const inserted = await ctx.db.query<{ id: number }>(
    `INSERT INTO mail_message (author_id, email_from, model, res_id, record_name, body, is_internal, message_type, subject, subtype_id, message_id,
                               email_add_signature, email_layout_xmlid, record_alias_domain_id, record_company_id, reply_to, date,
                               create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $5, $6, true, 'user_notification', $7, $8, $9, true, 'mail.mail_notification_layout', $10, $11, $2,
             date_trunc('second', now() at time zone 'UTC'), $12, $12, now() at time zone 'UTC', now() at time zone 'UTC')
     RETURNING id`,
    [author.partnerId, author.emailFrom || null, model.name, resId, displayName || null, body, subject, subtypeId, messageIdHeader, aliasDomain?.id ?? null, company, ctx.uid],
  );
  const messageId = inserted.rows[0]!.id;
  await ctx.db.query(`INSERT INTO mail_message_res_partner_rel (mail_message_id, res_partner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [messageId, assignee.partner_id]);
  await notifyThread(
    ctx,
    model,
    resId,
    {
      id: messageId,
      authorId: author.partnerId,
      messageType: 'user_notification',
      subtypeId,
      partnerIds: [assignee.partner_id],
      body,
      subject,
      recordName: displayName || false,
      messageIdHeader,
      parentId: false,
      emailAddSignature: true,
      emailLayoutXmlid: 'mail.mail_notification_layout',
      recordAliasDomainId: aliasDomain?.id ?? null,
    },
    { skipAuthor: author.partnerId, modelDescription },
  );
}

/** `_mail_get_companies(default=env.company)`: the record's stored company, else the user's. */
async function documentCompany(ctx: CallContext, model: ModelInfo, resId: number): Promise<number | null> {
  const field = model.fields.get('company_id');
  if (!field?.column || field.inheritedVia) return ctx.access.companyId;
  const r = await ctx.db.query<{ c: number | null }>(`SELECT ${ident(field.column)} AS c FROM ${ident(model.table!)} WHERE id = $1`, [resId]);
  return r.rows[0]?.c ?? ctx.access.companyId;
}
