import { accessError, missingBehaviour, typeError, userError, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { Bound } from '../../dispatch/signature.ts';
import { pyRepr } from '../../domain/python-repr.ts';
import { displayNames } from '../../read/read-records.ts';
import { translated, type ModelInfo } from '../../registry/types.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { sanitizeHtml } from '../html/html-sanitize.ts';
import { checkExist, ident } from '../write-env.ts';
import { xmlidToResId } from '../core/xmlid.ts';
import { hasDocumentAccess, insertFollowers, messageSubscribe, userPartner } from './followers.ts';
import { generateTrackingMessageId, partnerEmailFormatted } from './mail-format.ts';
import { notifyThread } from './notify-thread.ts';

/**
 * `mail.thread.message_post` over RPC (addons/mail/models/mail_thread.py 18, with sms's and
 * sale's overrides, mail_bot's and mail.thread.main.attachment's `_message_post_after_hook`):
 * one message on one document, returned as its id.
 *
 * - a `str` body is escaped (`body_is_html` lets an internal user post markup), then sanitized
 *   as mail.message's Html field stores it; no subtype means mail.mt_note;
 * - the author is the user's partner (or `author_id`), `email_from` its formatted address; the
 *   record name is the document's display name read as sudo, the company the document's own
 *   (read as the user) or the user's;
 * - `parent_id`: the document's first message on flat threads (every model but res.partner and
 *   discuss.channel), the thread root of a given parent;
 * - the message is created, then mail.message's create access is checked: `_mail_post_access`
 *   (write, read for a few models) on the document, else the user received the parent, else the
 *   user follows the document; a refusal names the new message's id, whose number is then used up;
 * - a manual post (`message_type` other than notification) subscribes its author;
 * - followers of the subtype (internal subtypes: employees only) and `partner_ids`, less the
 *   author, are notified (notify-thread.ts): inbox users by a `mail.notification`, the others by
 *   a queued `mail.mail` in Odoo's notification layout.
 */

/** `_mail_post_access` of the models whose Python class sets it (mail.thread: 'write'). */
const MAIL_POST_ACCESS: Readonly<Record<string, 'read' | 'write'>> = {
  'account.move': 'read', 'hr.employee': 'read', 'hr.contract': 'read', 'hr.leave': 'read', 'hr.leave.allocation': 'read',
  'project.task': 'read', 'blog.post': 'read', 'slide.slide': 'read', 'discuss.channel': 'read',
};
/** Where `_mail_post_access` depends on an installed module (website_sale makes product.template's 'read'). */
const MAIL_POST_ACCESS_BY_MODULE: Readonly<Record<string, { module: string; access: 'read' }>> = {
  'product.template': { module: 'website_sale', access: 'read' },
};
/**
 * Models whose `_message_post_after_hook` override (by the module installing it) does what Ficus
 * does not (lead partner matching, applicant emails, invoice import from attachments, ratings…).
 */
const AFTER_HOOK_OVERRIDES: Readonly<Record<string, string>> = {
  'crm.lead': 'crm', 'hr.applicant': 'hr_recruitment', 'sale.order': 'website_sale', 'event.registration': 'event',
  'account.move': 'account', 'project.task': 'project', 'event.track': 'website_event_track',
};
/** `_mail_flat_thread = False` (mail.thread: True). */
const THREADED_MODELS = new Set(['res.partner', 'discuss.channel']);

/** mail.thread `_get_message_create_valid_field_names`, less the parameters message_post names itself. */
const VALID_MESSAGE_FIELDS = new Set([
  'attachment_ids', 'author_guest_id', 'author_id', 'body', 'create_date', 'date', 'email_add_signature', 'email_from', 'email_layout_xmlid',
  'is_internal', 'mail_activity_type_id', 'mail_server_id', 'message_id', 'message_type', 'model', 'parent_id', 'partner_ids',
  'record_alias_domain_id', 'record_company_id', 'record_name', 'reply_to', 'reply_to_force_new', 'res_id', 'subject', 'subtype_id', 'tracking_value_ids',
]);
/** Of those, the ones given as extra keywords that Ficus writes as they come. */
const PLAIN_MESSAGE_COLUMNS = new Set(['date', 'email_add_signature', 'email_layout_xmlid', 'is_internal', 'mail_activity_type_id', 'mail_server_id', 'message_id',
  'record_alias_domain_id', 'record_company_id', 'record_name', 'reply_to', 'reply_to_force_new']);
/** mail's and sms's `_get_notify_valid_parameters`. */
const NOTIFY_PARAMETERS = new Set(['force_email_company', 'force_email_lang', 'force_send', 'mail_auto_delete', 'model_description', 'notify_author',
  'resend_existing', 'scheduled_date', 'send_after_commit', 'skip_existing', 'subtitles', 'put_in_queue', 'sms_numbers', 'sms_pid_to_number', 'sms_content']);
/** message_post's own keyword parameters (taken out of `**kwargs` by Python's binding). */
const POST_PARAMETERS = new Set(['body', 'message_type', 'subject', 'email_from', 'author_id', 'parent_id', 'subtype_xmlid', 'subtype_id', 'partner_ids', 'attachments', 'attachment_ids', 'body_is_html']);

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
const truthy = (v: unknown) => !(v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.keys(v).length));

/** `markupsafe.escape(value)` of what JSON can carry, as Python's `str()` would print it first. */
function escapeBody(value: unknown): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? 'None' : value === true ? 'True' : value === false ? 'False' : typeof value === 'number' ? String(value) : pyRepr(value);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

export async function messagePost(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], bound: Bound): Promise<number> {
  if (ids.length !== 1) throw valueError(`Expected singleton: ${model.name}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`);
  const resId = ids[0]!;
  const extra: Record<string, unknown> = { ...(bound.__extra__ ?? {}) };
  if (bound.__args__?.length) {
    // sms's `message_post(*args, body=…, message_type=…, **kwargs)` hands them to mail.thread's, which takes none.
    const keywordOnly = 2 + Object.keys(extra).filter((k) => POST_PARAMETERS.has(k)).length;
    throw typeError(`MailThread.message_post() takes 1 positional argument but ${1 + bound.__args__.length} positional arguments (and ${keywordOnly} keyword-only arguments) were given`);
  }
  const param = (name: string) => (Object.hasOwn(extra, name) ? extra[name] : undefined);
  // sale.order's `message_post(self, **kwargs)` leaves body and message_type among the keywords.
  const body = Object.hasOwn(extra, 'body') ? extra.body : bound.body === undefined ? '' : bound.body;
  const messageType = (Object.hasOwn(extra, 'message_type') ? extra.message_type : bound.message_type) ?? 'notification';
  const kwargs = Object.fromEntries(Object.entries(extra).filter(([k]) => !POST_PARAMETERS.has(k)));
  const forbidden = Object.keys(kwargs).filter((k) => ['model', 'res_id', 'subtype'].includes(k));
  if (forbidden.length) throw valueError(`Those values are not supported when posting or notifying: ${forbidden.join(', ')}`);
  if (!resId) throw valueError('Posting a message should be done on a business document. Use message_notify to send a notification to an user.');
  const hookModule = AFTER_HOOK_OVERRIDES[model.name];
  if (hookModule && ctx.registry.modules.has(hookModule)) throw missingBehaviour(model.name, `message_post (the ${hookModule} module's _message_post_after_hook)`);
  if (ctx.registry.modules.has('rating')) throw missingBehaviour(model.name, "message_post (the rating module's _message_post_after_hook)");
  if (messageType === 'user_notification') throw valueError('Use message_notify to send a notification to an user.');
  if (messageType === 'sms') throw missingBehaviour(model.name, 'message_post of an SMS (message_type sms)');
  if (truthy(param('attachments'))) throw missingBehaviour(model.name, 'message_post with attachment contents (attachments)');
  const attachmentIds = param('attachment_ids');
  if (truthy(attachmentIds) && !isIntList(attachmentIds)) throw valueError(`Posting a message should receive attachments records as a list of IDs (received ${pyRepr(attachmentIds)})`);
  const partnerIdsParam = param('partner_ids');
  if (truthy(partnerIdsParam) && !isIntList(partnerIdsParam)) throw valueError(`Posting a message should receive partners as a list of IDs (received ${pyRepr(partnerIdsParam)})`);
  const partnerIds = truthy(partnerIdsParam) ? [...(partnerIdsParam as number[])] : [];
  const messageKwargs = Object.fromEntries(Object.entries(kwargs).filter(([k]) => mailMessageModel(ctx).fields.has(k)));
  const notifyKwargs = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !mailMessageModel(ctx).fields.has(k)));

  // sale.order's override: posting follows its recipients unless the context says otherwise, and may mark quotations sent.
  let autofollow = !!ctx.context.mail_post_autofollow;
  if (model.name === 'sale.order' && ctx.registry.modules.has('sale')) {
    if (ctx.context.mark_so_as_sent) throw missingBehaviour(model.name, 'message_post with mark_so_as_sent');
    autofollow = 'mail_post_autofollow' in ctx.context ? !!ctx.context.mail_post_autofollow : true;
  }

  // The author (`_message_compute_author(author_id, email_from, raise_on_email=True)`).
  let authorId = param('author_id') as number | false | null | undefined;
  let emailFrom = param('email_from') as string | false | null | undefined;
  if (authorId === undefined || authorId === null) {
    if (truthy(emailFrom)) throw missingBehaviour(model.name, 'message_post with an email_from and no author_id (finding the author from the address)');
    const r = await ctx.db.query<{ id: number; name: string | null; email: string | null }>(`SELECT p.id, p.name, p.email FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [ctx.uid]);
    authorId = r.rows[0]?.id ?? false;
    emailFrom = r.rows[0] ? partnerEmailFormatted(r.rows[0].name, r.rows[0].email) : false;
  }
  if ((emailFrom === undefined || emailFrom === null) && authorId) {
    const r = await ctx.db.query<{ name: string | null; email: string | null }>(`SELECT name, email FROM res_partner WHERE id = $1`, [authorId]);
    emailFrom = r.rows[0] ? partnerEmailFormatted(r.rows[0].name, r.rows[0].email) : false;
  }
  if (!emailFrom && !ctx.access.superuser) throw userError("Unable to send message, please configure the sender's email address.");

  const subtypeXmlid = param('subtype_xmlid');
  let subtypeId: number | false = typeof param('subtype_id') === 'number' ? (param('subtype_id') as number) : false;
  if (typeof subtypeXmlid === 'string' && subtypeXmlid) subtypeId = (await xmlidToResId(ctx.db, subtypeXmlid)) ?? false;
  if (!subtypeId) subtypeId = (await xmlidToResId(ctx.db, 'mail.mt_note')) ?? false;

  if (autofollow && partnerIds.length) await messageSubscribe(ctx, behaviours, model, [resId], partnerIds, []);

  for (const key of Object.keys(messageKwargs)) {
    if (!VALID_MESSAGE_FIELDS.has(key)) throw valueError(`Those values are not supported when posting or notifying: ${Object.keys(messageKwargs).filter((k) => !VALID_MESSAGE_FIELDS.has(k)).join(', ')}`);
    if (!PLAIN_MESSAGE_COLUMNS.has(key)) throw missingBehaviour(model.name, `message_post with ${key}`);
  }
  await checkExist({ ctx, behaviours }, model, [resId]);
  const recordName = truthy(messageKwargs.record_name) ? messageKwargs.record_name : (await displayNames(ctx.readEnv({ sudo: true }), model, [resId])).get(resId) ?? false;
  const internalUser = !(await userPartner(ctx)).share;
  const markup = !!param('body_is_html') && internalUser;
  const escaped = markup && typeof body === 'string' ? body : escapeBody(body);
  const bodyField = mailMessageModel(ctx).fields.get('body');
  const storedBody = bodyField?.htmlSanitize ? sanitizeHtml(escaped, bodyField.htmlSanitize) : escaped;
  const parentId = await parentOf(ctx, model, resId, param('parent_id'));

  const company = await documentCompany(ctx, model, resId);
  const aliasDomain = await aliasDomainOf(ctx, company);
  if (!('reply_to' in messageKwargs) && aliasDomain?.catchall) throw missingBehaviour(model.name, 'the reply-to of a message on a company with a catchall alias');
  if (!('reply_to' in messageKwargs) && model.fields.has('alias_id')) throw missingBehaviour(model.name, "the reply-to of a message on a document with its own alias");

  const attachments = truthy(attachmentIds) ? await attachmentsForPost(ctx, model, resId, attachmentIds as number[], internalUser) : [];

  const mailMessage = mailMessageModel(ctx);
  ctx.access.checkModel(mailMessage, 'create');
  const values: Record<string, unknown> = {
    email_add_signature: true,
    ...messageKwargs,
    record_name: recordName || null,
    author_id: authorId || null,
    email_from: emailFrom || null,
    model: model.name,
    res_id: resId,
    body: storedBody,
    message_type: messageType,
    parent_id: parentId || null,
    subject: truthy(param('subject')) ? param('subject') : null,
    subtype_id: subtypeId || null,
  };
  if (!('record_alias_domain_id' in messageKwargs)) values.record_alias_domain_id = aliasDomain?.id ?? null;
  if (!('record_company_id' in messageKwargs)) values.record_company_id = company;
  if (!('reply_to' in messageKwargs)) values.reply_to = emailFrom || null;
  if (!truthy(values.message_id)) values.message_id = generateTrackingMessageId(`${resId}-${model.name}`);
  if (!('date' in values)) values.date = null;
  const names = Object.keys(values);
  const inserted = await ctx.db.query<{ id: number }>(
    `INSERT INTO mail_message (${names.map((n) => ident(n)).join(', ')}, create_uid, write_uid, create_date, write_date)
     VALUES (${names.map((n, i) => (n === 'date' ? `COALESCE($${i + 1}::timestamp, date_trunc('second', now() at time zone 'UTC'))` : `$${i + 1}`)).join(', ')}, $${names.length + 1}, $${names.length + 1},
             now() at time zone 'UTC', now() at time zone 'UTC')
     RETURNING id`,
    [...names.map((n) => values[n]), ctx.uid],
  );
  const messageId = inserted.rows[0]!.id;
  if (partnerIds.length) {
    await ctx.db.query(`INSERT INTO mail_message_res_partner_rel (mail_message_id, res_partner_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`, [messageId, [...new Set(partnerIds)]]);
  }
  if (attachments.length) {
    await ctx.db.query(`INSERT INTO message_attachment_rel (message_id, attachment_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`, [messageId, attachments]);
  }
  await checkMessageCreate(ctx, behaviours, model, resId, messageId, parentId);
  const foreign = await ctx.db.query(`SELECT 1 FROM ir_attachment WHERE id = ANY($1::int4[]) AND (res_model IS DISTINCT FROM $2 OR res_id IS DISTINCT FROM $3)`, [attachments, model.name, resId]);
  if (foreign.rowCount) throw missingBehaviour(model.name, "message_post with attachments of other documents (ir.attachment's read check)");

  // Subscribe the author of a manual post, so that they receive answers.
  const me = await userPartner(ctx);
  if (!ctx.context.mail_create_nosubscribe && messageType !== 'notification') {
    let realAuthor: number | null = null;
    if (me.active) realAuthor = me.partnerId;
    else if (authorId) {
      const active = await ctx.db.query(`SELECT 1 FROM res_partner WHERE id = $1 AND active`, [authorId]);
      if (active.rowCount) realAuthor = authorId;
    }
    if (realAuthor) await insertFollowers(ctx, model.name, [resId], [realAuthor]);
  }

  // _message_post_after_hook: OdooBot answers when pinged; the main attachment is set.
  if (ctx.registry.modules.has('mail_bot') && messageType === 'comment') {
    const odoobot = await xmlidToResId(ctx.db, 'base.partner_root');
    if (odoobot && authorId !== odoobot && partnerIds.includes(odoobot)) throw missingBehaviour(model.name, "OdooBot's answer to a message mentioning it");
  }
  if (attachments.length && model.fields.get('message_main_attachment_id')?.column) await setMainAttachment(ctx, model, resId, attachments);

  // _notify_thread
  const unknown = Object.keys(notifyKwargs).filter((k) => !NOTIFY_PARAMETERS.has(k));
  if (unknown.length) throw valueError(`Those values are not supported when posting or notifying: ${unknown.join(', ')}`);
  if (truthy(notifyKwargs.scheduled_date)) throw missingBehaviour(model.name, 'a scheduled notification (scheduled_date)');
  if (['sms_numbers', 'sms_pid_to_number', 'sms_content'].some((k) => truthy(notifyKwargs[k]))) throw missingBehaviour(model.name, 'SMS notifications');
  const notifyAuthor = truthy(notifyKwargs.notify_author) || truthy(ctx.context.mail_notify_author);
  const author = notifyAuthor ? null : me.active ? me.partnerId : authorId || null;
  await notifyThread(ctx, model, resId, {
    id: messageId,
    authorId: authorId || null,
    messageType: String(messageType),
    subtypeId: subtypeId || null,
    partnerIds,
    body: storedBody,
    subject: typeof values.subject === 'string' && values.subject ? values.subject : false,
    recordName: typeof values.record_name === 'string' && values.record_name ? values.record_name : false,
    messageIdHeader: String(values.message_id),
    parentId,
    emailAddSignature: !!values.email_add_signature,
    emailLayoutXmlid: typeof values.email_layout_xmlid === 'string' && values.email_layout_xmlid ? values.email_layout_xmlid : false,
    recordAliasDomainId: typeof values.record_alias_domain_id === 'number' ? values.record_alias_domain_id : null,
  }, { skipAuthor: author });
  return messageId;
}

function mailMessageModel(ctx: CallContext): ModelInfo {
  const model = ctx.registry.model('mail.message');
  if (!model) throw missingBehaviour('mail.thread', 'message_post without the mail.message model');
  return model;
}

/** `_message_compute_parent_id`: flat threads hang every message under the document's first one, or under a given parent's root. */
async function parentOf(ctx: CallContext, model: ModelInfo, resId: number, given: unknown): Promise<number | false> {
  const flat = !THREADED_MODELS.has(model.name);
  const parentId = typeof given === 'number' && given ? given : false;
  if (flat && !parentId) {
    const r = await ctx.db.query<{ id: number }>(`SELECT id FROM mail_message WHERE res_id = $1 AND model = $2 AND message_type <> 'user_notification' ORDER BY id LIMIT 1`, [resId, model.name]);
    return r.rows[0]?.id ?? false;
  }
  if (!parentId) return false;
  const ancestor = await ctx.db.query<{ id: number; parent_id: number }>(`SELECT id, parent_id FROM mail_message WHERE id = $1 AND parent_id IS NOT NULL`, [parentId]);
  if (!ancestor.rows[0]) return parentId;
  if (!flat) return ancestor.rows[0].parent_id;
  let current = ancestor.rows[0];
  const seen = new Set<number>();
  for (;;) {
    seen.add(current.id);
    if (!current.parent_id || seen.has(current.parent_id)) return current.id;
    const next = await ctx.db.query<{ id: number; parent_id: number | null }>(`SELECT id, parent_id FROM mail_message WHERE id = $1`, [current.parent_id]);
    if (!next.rows[0]) return current.id;
    if (!next.rows[0].parent_id) return next.rows[0].id;
    current = next.rows[0] as { id: number; parent_id: number };
  }
}

/** `_mail_get_companies(default=env.company)`: the document's `company_id`, else the user's company. */
async function documentCompany(ctx: CallContext, model: ModelInfo, resId: number): Promise<number | null> {
  const field = model.fields.get('company_id');
  if (!field) return ctx.access.companyId;
  // Read as the user in Python, but `_mail_get_alias_domains` read it as sudo just before and the
  // cache serves it: no read check happens (a portal user posts on a partner it may not read).
  if (!field.column) throw missingBehaviour(model.name, 'message_post on a model whose company is not stored');
  const r = await ctx.db.query<{ company_id: number | null }>(`SELECT ${ident(field.column)} AS company_id FROM ${ident(model.table!)} WHERE id = $1`, [resId]);
  return r.rows[0]?.company_id ?? ctx.access.companyId;
}

/** `_mail_get_alias_domains(default_company=env.company)`: the document company's alias domain, else the user company's, else the first one (sequence, id). */
async function aliasDomainOf(ctx: CallContext, companyId: number | null): Promise<{ id: number; catchall: boolean } | null> {
  if (!ctx.registry.model('mail.alias.domain')) return null;
  const domain = async (where: string, params: unknown[]) =>
    (await ctx.db.query<{ id: number; catchall: boolean }>(`SELECT d.id, COALESCE(d.catchall_alias, '') <> '' AS catchall FROM mail_alias_domain d ${where} ORDER BY d.sequence, d.id LIMIT 1`, params)).rows[0] ?? null;
  const ofCompany = (id: number | null) => (id == null ? Promise.resolve(null) : domain(`JOIN res_company c ON c.alias_domain_id = d.id WHERE c.id = $1`, [id]));
  return (await ofCompany(companyId)) ?? (await ofCompany(ctx.access.companyId)) ?? (await domain('', []));
}

/**
 * `_process_attachments_for_post`: the user's own pending composer attachments move to the
 * document; a user who is not an employee may only use those.
 */
async function attachmentsForPost(ctx: CallContext, model: ModelInfo, resId: number, ids: number[], internalUser: boolean): Promise<number[]> {
  const pending = await ctx.db.query<{ id: number }>(
    `SELECT id FROM ir_attachment WHERE id = ANY($1::int4[]) AND res_model IN ('mail.compose.message', 'mail.scheduled.message') AND create_uid = $2 ORDER BY id`,
    [ids, ctx.uid],
  );
  const pendingIds = pending.rows.map((r) => r.id);
  if (pendingIds.length) {
    await ctx.db.query(`UPDATE ir_attachment SET res_model = $2, res_id = $3, write_uid = $4, write_date = now() at time zone 'UTC' WHERE id = ANY($1::int4[])`, [pendingIds, model.name, resId, ctx.uid]);
  }
  const kept = internalUser ? ids : ids.filter((id) => pendingIds.includes(id));
  const existing = await ctx.db.query<{ id: number }>(`SELECT id FROM ir_attachment WHERE id = ANY($1::int4[])`, [kept]);
  const present = new Set(existing.rows.map((r) => r.id));
  if (kept.some((id) => !present.has(id))) throw missingBehaviour(model.name, 'message_post with attachment ids that do not exist');
  return [...new Set(kept)];
}

/** mail.thread.main.attachment: the first pdf, else image, else other attachment (not xml, not octet-stream) becomes the main one when none is set. */
async function setMainAttachment(ctx: CallContext, model: ModelInfo, resId: number, attachments: number[]): Promise<void> {
  const current = await ctx.db.query<{ m: number | null }>(`SELECT message_main_attachment_id AS m FROM ${ident(model.table!)} WHERE id = $1`, [resId]);
  if (current.rows[0]?.m) return;
  const rows = await ctx.db.query<{ id: number; mimetype: string | null }>(`SELECT id, mimetype FROM ir_attachment WHERE id = ANY($1::int4[])`, [attachments]);
  const byId = new Map(rows.rows.map((r) => [r.id, r.mimetype ?? '']));
  const candidates = attachments.filter((id) => byId.has(id) && !byId.get(id)!.endsWith('xml') && !byId.get(id)!.endsWith('application/octet-stream'));
  if (!candidates.length) return;
  const rank = (id: number) => (byId.get(id)!.endsWith('pdf') ? 2 : 0) + (byId.get(id)!.startsWith('image') ? 1 : 0);
  // Python's max keeps the first of equal keys.
  let best = candidates[0]!;
  for (const id of candidates) if (rank(id) > rank(best)) best = id;
  await ctx.db.query(`UPDATE ${ident(model.table!)} SET message_main_attachment_id = $2 WHERE id = $1`, [resId, best]);
}

/** mail.message `_check_access('create')` of a document message, after the row exists. */
async function checkMessageCreate(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, resId: number, messageId: number, parentId: number | false): Promise<void> {
  if (ctx.access.superuser) return;
  let operation: 'read' | 'write' = MAIL_POST_ACCESS[model.name] ?? 'write';
  const byModule = MAIL_POST_ACCESS_BY_MODULE[model.name];
  if (byModule && ctx.registry.modules.has(byModule.module)) operation = byModule.access;
  if (await hasDocumentAccess(ctx, behaviours, model, [resId], operation)) return;
  const me = await userPartner(ctx);
  if (parentId) {
    const received = await ctx.db.query(`SELECT 1 FROM mail_message_res_partner_rel WHERE mail_message_id = $1 AND res_partner_id = $2`, [parentId, me.partnerId]);
    if (received.rowCount) return;
  }
  const follows = await ctx.db.query(`SELECT 1 FROM mail_followers WHERE res_model = $1 AND res_id = $2 AND partner_id = $3`, [model.name, resId, me.partnerId]);
  if (follows.rowCount) return;
  const description = translated(mailMessageModel(ctx).description, ctx.lang) || 'mail.message';
  throw accessError(
    `The requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: ${description}, Operation: create)\n\nRecords: [${messageId}], User: ${ctx.uid}`,
  );
}
