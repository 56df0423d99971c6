import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { translated, type ModelInfo } from '../../registry/types.ts';
import { displayNames } from '../../read/read-records.ts';
import { configParameter } from '../core/xmlid.ts';
import { ident, recordsetRepr } from '../write-env.ts';
import { escapeMarkup, messagePreview, renderLightLayout, renderNotificationLayout, type CompanyFacts } from './notification-layout.ts';

/**
 * `mail.thread._notify_thread` for a message on one document (addons/mail/models/mail_thread.py 18:
 * `_notify_get_recipients`, `_notify_thread_by_inbox`, `_notify_thread_by_email`,
 * `_notify_get_classified_recipients_iterator`, `_notify_get_recipients_groups(_fillup)`,
 * `_notify_by_email_prepare_rendering_context`, `_notify_by_email_render_layout`,
 * `_notify_by_email_get_base_mail_values`; mail_followers.py `_get_recipient_data`;
 * models.py `_notify_by_email_get_headers`; mail_mail.py `create`; mail_notification.py `create`):
 *
 * - recipients: followers of the subtype (an internal subtype reaches no `partner_share` partner;
 *   none for a `user_notification`) and the given partners, active ones, less the real author;
 *   each by the notification type of its first active user (employees first), email without one;
 * - inbox recipients get a `mail.notification` (sent, is_read unset: unread), by partner id;
 * - email recipients are grouped ('user': partners of an internal user, with the "View <model>"
 *   button; 'customer': everyone else — 'portal' and 'follower' stay inactive on models that are
 *   not portal.mixin), one `mail.mail` per group holding the rendered layout, queued (outgoing,
 *   auto-deleted once sent) for the mail cron, and one `mail.notification` (email, ready, read)
 *   per recipient, created once every group has its mail; the layout is the message's
 *   `email_layout_xmlid` (mail_notification_layout or mail_notification_light);
 * - a mail subject other than the message's (none given: the record's name) is written on the
 *   message, as mail.mail's `_inherits` does.
 * Ficus sends nothing: Odoo tries to send right after the commit (force_send), which on a server
 * without SMTP marks the rows failed and with one sends and deletes them; what it queued is this.
 */

export interface NotifiedMessage {
  id: number;
  authorId: number | null;
  messageType: string;
  subtypeId: number | null;
  partnerIds: readonly number[];
  /** The stored (sanitized) body. */
  body: string;
  subject: string | false;
  recordName: string | false;
  messageIdHeader: string;
  parentId: number | false;
  emailAddSignature: boolean;
  emailLayoutXmlid: string | false;
  recordAliasDomainId: number | null;
}

export interface NotifyOptions {
  /** The partner not notified of its own message (`notify_author` off), or null. */
  skipAuthor: number | null;
  /** `model_description` given by the caller (message_notify of an assignment), else the model's. */
  modelDescription?: string;
}

interface RecipientData {
  id: number;
  active: boolean | null;
  lang: string | null;
  share: boolean;
  uid: number | null;
  ushare: boolean;
  notif: string;
  isFollower: boolean;
}

/**
 * Models whose Python overrides the notification hooks this file implements (by module): their
 * email notifications (groups, rendering context, subject, headers) differ and are refused.
 */
const NOTIFY_HOOK_OVERRIDES: Readonly<Record<string, string>> = {
  'sale.order': 'sale', 'account.move': 'account', 'crm.lead': 'crm', 'project.task': 'project', 'project.project': 'project',
  'purchase.order': 'purchase', 'hr.leave': 'hr_holidays', 'hr.leave.allocation': 'hr_holidays', 'forum.post': 'website_forum',
  'blog.post': 'website_blog', 'slide.slide': 'website_slides', 'event.registration': 'event', 'discuss.channel': 'mail',
  'hr.applicant': 'hr_recruitment', 'hr.expense.sheet': 'hr_expense',
};

/** portal.mixin's fields: its models get a 'portal_customer' group with access tokens and an active 'portal' group. */
const isPortalMixin = (model: ModelInfo) => ['access_url', 'access_token', 'access_warning'].every((f) => model.fields.has(f));

export async function notifyThread(ctx: CallContext, model: ModelInfo, resId: number, message: NotifiedMessage, options: NotifyOptions): Promise<void> {
  const recipients = (await recipientData(ctx, model, resId, message)).filter((r) => r.id !== options.skipAuthor && r.active !== false);
  if (!recipients.length) return;
  const odd = recipients.filter((r) => r.notif !== 'inbox' && r.notif !== 'email');
  if (odd.length) throw missingBehaviour(model.name, `the ${[...new Set(odd.map((r) => r.notif))].join('/')} notification of a message (to ${recordsetRepr('res.partner', odd.map((r) => r.id))})`);

  const inbox = recipients.filter((r) => r.notif === 'inbox').sort((a, b) => a.id - b.id);
  for (const r of inbox) {
    await ctx.db.query(
      // is_read stays unset (NULL), as Odoo's create values leave it: unread.
      `INSERT INTO mail_notification (author_id, mail_message_id, notification_status, notification_type, res_partner_id)
       VALUES ($1, $2, 'sent', 'inbox', $3)`,
      [message.authorId, message.id, r.id],
    );
  }
  const byEmail = recipients.filter((r) => r.notif === 'email');
  if (byEmail.length) await notifyByEmail(ctx, model, resId, message, byEmail, options);
}

/** `_get_recipient_data` for one document: followers of the subtype and the given partners, with their user's facts. */
async function recipientData(ctx: CallContext, model: ModelInfo, resId: number, message: NotifiedMessage): Promise<RecipientData[]> {
  const pids = [...message.partnerIds];
  const userFacts = `LEFT JOIN LATERAL (
         SELECT u.id AS uid, u.share, u.notification_type
           FROM res_users u WHERE u.partner_id = p.id AND u.active
          ORDER BY u.share ASC NULLS FIRST, u.id ASC LIMIT 1) usr ON TRUE`;
  const columns = `p.id, p.active, p.lang, COALESCE(p.partner_share, false) AS share, usr.uid, COALESCE(usr.share, false) AS ushare,
                   COALESCE(usr.notification_type, 'email') AS notif`;
  let rows: RecipientData[];
  if (message.messageType !== 'user_notification' && message.subtypeId) {
    const r = await ctx.db.query<Omit<RecipientData, 'isFollower'> & { is_follower: boolean }>(
      `WITH candidates AS (
         SELECT f.partner_id AS pid, TRUE AS is_follower, sub.follow IS TRUE AS subtype_follower, COALESCE(sub.internal, false) AS internal
           FROM mail_followers f
           LEFT JOIN LATERAL (SELECT TRUE AS follow, s.internal FROM mail_followers_mail_message_subtype_rel fs
                                LEFT JOIN mail_message_subtype s ON s.id = fs.mail_message_subtype_id
                               WHERE fs.mail_followers_id = f.id AND fs.mail_message_subtype_id = $1) sub ON TRUE
          WHERE f.res_model = $2 AND f.res_id = $3
         UNION ALL
         SELECT p.id, FALSE, FALSE, FALSE FROM res_partner p WHERE p.id = ANY($4::int4[]))
       SELECT ${columns}, c.is_follower
         FROM res_partner p
         JOIN candidates c ON c.pid = p.id AND (c.internal IS NOT TRUE OR p.partner_share IS NOT TRUE)
         ${userFacts}
        WHERE c.subtype_follower OR p.id = ANY($4::int4[])
        ORDER BY p.ctid`,
      [message.subtypeId, model.name, resId, pids],
    );
    rows = r.rows.map(({ is_follower, ...rest }) => ({ ...rest, isFollower: is_follower }));
  } else if (pids.length) {
    const r = await ctx.db.query<Omit<RecipientData, 'isFollower'> & { is_follower: boolean }>(
      `SELECT ${columns}, EXISTS (SELECT 1 FROM mail_followers f WHERE f.partner_id = p.id AND f.res_model = $1 AND f.res_id = $2) AS is_follower
         FROM res_partner p ${userFacts}
        WHERE p.id = ANY($3::int4[])
        ORDER BY p.ctid`,
      [model.name, resId, pids],
    );
    rows = r.rows.map(({ is_follower, ...rest }) => ({ ...rest, isFollower: is_follower }));
  } else {
    rows = [];
  }
  // Odoo's query has no ORDER BY: on these tables its plan scans res_partner and hash-joins the
  // candidates, so the partners come in heap order (a contact written since moves to the end),
  // which orders the notifications and the mails' recipients it stores; ORDER BY ctid says so.
  // A dict by partner: a follower's row wins over the same partner in partner_ids.
  const byPartner = new Map<number, RecipientData>();
  for (const row of rows) {
    const seen = byPartner.get(row.id);
    if (!seen || (!seen.isFollower && row.isFollower)) byPartner.set(row.id, row);
  }
  return [...byPartner.values()];
}

async function notifyByEmail(ctx: CallContext, model: ModelInfo, resId: number, message: NotifiedMessage, recipients: RecipientData[], options: NotifyOptions): Promise<void> {
  const what = `the email notification of a message (to ${recordsetRepr('res.partner', recipients.map((r) => r.id))})`;
  const hookModule = NOTIFY_HOOK_OVERRIDES[model.name];
  if (hookModule && ctx.registry.modules.has(hookModule)) throw missingBehaviour(model.name, `${what}: its ${hookModule} notification overrides`);
  if (isPortalMixin(model)) throw missingBehaviour(model.name, `${what}: portal access links with tokens (portal.mixin)`);
  const layout = message.emailLayoutXmlid || 'mail.mail_notification_layout';
  if (layout !== 'mail.mail_notification_layout' && layout !== 'mail.mail_notification_light') throw missingBehaviour(model.name, `${what} in the layout ${layout}`);
  // Ficus carries no translation catalogue: the layout's words are rendered in English only.
  const foreign = recipients.filter((r) => (r.lang || ctx.lang || 'en_US') !== 'en_US');
  if (foreign.length) throw missingBehaviour(model.name, `${what} in ${[...new Set(foreign.map((r) => r.lang))].join('/')} (no translations)`);
  const tracking = await ctx.db.query(`SELECT 1 FROM mail_tracking_value WHERE mail_message_id = $1 LIMIT 1`, [message.id]);
  if (tracking.rowCount) throw missingBehaviour(model.name, `${what} with tracking values`);

  const modelDescription = options.modelDescription ?? (translated(model.description, 'en_US') || model.name);
  const company = await renderingCompany(ctx, model, resId);
  if (layout === 'mail.mail_notification_light' && !company.usesDefaultLogo) throw missingBehaviour(model.name, `${what} in the layout ${layout} with the company's own logo`);
  const subtype = message.subtypeId
    ? (await ctx.db.query<{ internal: boolean | null }>(`SELECT internal FROM mail_message_subtype WHERE id = $1`, [message.subtypeId])).rows[0]
    : undefined;
  const baseUrl = (await configParameter(ctx.db, 'web.base.url')) ?? 'http://localhost:8069';
  const common = {
    lang: 'en_US',
    body: message.body,
    preview: messagePreview(message.body),
    subtypeInternal: !!subtype?.internal,
    recordName: message.recordName,
    signature: message.emailAddSignature ? await authorSignature(ctx, message.authorId) : '',
    emailAddSignature: message.emailAddSignature,
    company: company.facts,
  };
  // `_notify_get_action_link('view')`: /mail/view with the sorted, url-encoded model and res_id.
  const viewUrl = `${baseUrl}/mail/view?${new URLSearchParams([['model', model.name], ['res_id', String(resId)]]).toString()}`;
  const groups: Array<{ recipients: number[]; button: boolean }> = [
    { recipients: recipients.filter((r) => !r.ushare && !r.share).map((r) => r.id), button: true },
    { recipients: recipients.filter((r) => r.ushare || r.share).map((r) => r.id), button: false },
  ].filter((g) => g.recipients.length);

  const references = await referencesOf(ctx, message);
  const subject = await mailSubject(ctx, model, resId, message);
  if (subject !== message.subject) {
    await ctx.db.query(`UPDATE mail_message SET subject = $2, write_uid = $3, write_date = now() at time zone 'UTC' WHERE id = $1`, [message.id, subject || null, ctx.uid]);
  }
  const headers = await headersOf(ctx, model, resId, message, company.id);
  const batchSize = Number((await configParameter(ctx.db, 'mail.batch_size')) ?? '') || 50;
  const notifications: Array<{ mailId: number; partnerId: number }> = [];
  for (const group of groups) {
    const buttonAccess = group.button ? { url: viewUrl, title: `View ${modelDescription}` } : null;
    const body =
      layout === 'mail.mail_notification_light'
        ? renderLightLayout({ lang: common.lang, body: common.body, preview: common.preview, modelDescription, recordName: message.recordName, buttonAccess, company: common.company })
        : renderNotificationLayout({ ...common, buttonAccess });
    for (let i = 0; i < group.recipients.length; i += batchSize) {
      const chunk = group.recipients.slice(i, i + batchSize);
      const mail = await ctx.db.query<{ id: number }>(
        `INSERT INTO mail_mail (mail_message_id, ${ident('references')}, headers, auto_delete, body_html, is_notification, state, scheduled_date,
                                create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, $3, true, $4, true, 'outgoing', NULL, $5, $5, now() at time zone 'UTC', now() at time zone 'UTC')
         RETURNING id`,
        [message.id, references, headers, body, ctx.uid],
      );
      const mailId = mail.rows[0]!.id;
      await ctx.db.query(`INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`, [mailId, chunk]);
      for (const partnerId of chunk) notifications.push({ mailId, partnerId });
    }
  }
  for (const n of notifications) {
    await ctx.db.query(
      `INSERT INTO mail_notification (author_id, is_read, read_date, mail_mail_id, mail_message_id, notification_status, notification_type, res_partner_id)
       VALUES ($1, true, date_trunc('second', now() at time zone 'UTC'), $2, $3, 'ready', 'email', $4)`,
      [message.authorId, n.mailId, message.id, n.partnerId],
    );
  }
}

/** The company the layout shows: the record's own (`company_id` set), else the user's current one. */
async function renderingCompany(ctx: CallContext, model: ModelInfo, resId: number): Promise<{ id: number | null; facts: CompanyFacts; usesDefaultLogo: boolean }> {
  let companyId: number | null = null;
  const field = model.fields.get('company_id');
  if (field?.column && !field.inheritedVia) {
    companyId = (await ctx.db.query<{ c: number | null }>(`SELECT ${ident(field.column)} AS c FROM ${ident(model.table!)} WHERE id = $1`, [resId])).rows[0]?.c ?? null;
  }
  companyId ??= ctx.access.companyId;
  const r = await ctx.db.query<{ name: string | null; phone: string | null; email: string | null; website: string | null; color: string | null; default_logo: boolean | null }>(
    `SELECT c.name, p.phone, p.email, p.website, c.email_secondary_color AS color, c.uses_default_logo AS default_logo
       FROM res_company c JOIN res_partner p ON p.id = c.partner_id WHERE c.id = $1`,
    [companyId],
  );
  const row = r.rows[0];
  return { id: companyId, usesDefaultLogo: !!row?.default_logo, facts: { name: row?.name ?? null, phone: row?.phone ?? null, email: row?.email ?? null, website: row?.website ?? null, secondaryColor: row?.color ?? null } };
}

/**
 * The signature of `_notify_by_email_prepare_rendering_context`: the current user's when it is
 * the author, else the author's first user's (users by name, login), else `<p>-- <br/>name</p>`.
 */
async function authorSignature(ctx: CallContext, authorId: number | null): Promise<string> {
  if (!authorId) return '';
  const me = await ctx.db.query<{ partner_id: number; signature: string | null }>(`SELECT partner_id, signature FROM res_users WHERE id = $1`, [ctx.uid]);
  if (me.rows[0]?.partner_id === authorId) return me.rows[0].signature ?? '';
  const users = await ctx.db.query<{ signature: string | null }>(
    `SELECT u.signature FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.partner_id = $1 AND u.active ORDER BY p.name, u.login LIMIT 1`,
    [authorId],
  );
  if (users.rows[0]) return users.rows[0].signature ?? '';
  const author = await ctx.db.query<{ name: string | null }>(`SELECT name FROM res_partner WHERE id = $1`, [authorId]);
  const name = author.rows[0]?.name;
  return name ? `<p>-- <br/>${escapeMarkup(name)}</p>` : '';
}

/** The parent's Message-Id then the message's own (mail clients thread replies by them). */
async function referencesOf(ctx: CallContext, message: NotifiedMessage): Promise<string> {
  if (!message.parentId) return message.messageIdHeader;
  const parent = await ctx.db.query<{ message_id: string | null }>(`SELECT message_id FROM mail_message WHERE id = $1`, [message.parentId]);
  return `${parent.rows[0]?.message_id ?? 'False'} ${message.messageIdHeader}`;
}

/** `message.subject`, else the record's display name (`_message_compute_subject`), else its record name; one line. */
async function mailSubject(ctx: CallContext, model: ModelInfo, resId: number, message: NotifiedMessage): Promise<string | false> {
  let subject: string | false = message.subject;
  if (!subject) {
    subject = (await displayNames(ctx.readEnv({ sudo: true }), model, [resId])).get(resId) || false;
  }
  if (!subject) subject = message.recordName;
  return subject ? subject.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/).join(' ') : false;
}

/** `repr()` of the headers dict: X-Odoo-Objects, and Return-Path from the alias domain's bounce address. */
async function headersOf(ctx: CallContext, model: ModelInfo, resId: number, message: NotifiedMessage, companyId: number | null): Promise<string> {
  const headers: Array<[string, string]> = [];
  const bounce = async (where: string, id: number | null) =>
    id == null ? null : (await ctx.db.query<{ b: string }>(`SELECT d.bounce_alias || '@' || d.name AS b FROM mail_alias_domain d ${where}`, [id])).rows[0]?.b ?? null;
  const fromMessage = ctx.registry.model('mail.alias.domain') ? await bounce('WHERE d.id = $1', message.recordAliasDomainId) : null;
  if (fromMessage) headers.push(['Return-Path', fromMessage]);
  headers.push(['X-Odoo-Objects', `${model.name}-${resId}`]);
  if (!fromMessage && ctx.registry.model('mail.alias.domain')) {
    const fromCompany = await bounce('JOIN res_company c ON c.alias_domain_id = d.id WHERE c.id = $1', companyId);
    if (fromCompany) headers.push(['Return-Path', fromCompany]);
  }
  return `{${headers.map(([k, v]) => `${pyStr(k)}: ${pyStr(v)}`).join(', ')}}`;
}

/** Python's `repr(str)` for printable text. */
function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
}
