import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { displayNames } from '../../read/read-records.ts';
import type { ModelInfo } from '../../registry/types.ts';
import { ident } from '../write-env.ts';
import { generateTrackingMessageId } from './mail-format.ts';
import { currentAuthor, replyTo, type TrackingValueRow } from './mail-message-log.ts';

/**
 * A tracking message posted with a subtype (addons/mail/models/mail_thread.py 18 `_message_track`
 * → `message_post(subtype_id=…, tracking_value_ids=…)`) rather than logged as a note: an empty
 * notification body (or the given one: `message_post(body=…)` of a business method, mail.mt_note)
 * under the thread's first message (`_mail_flat_thread`), with the record's
 * name and company, the signature flag, a Message-Id naming the record, and its tracking values.
 * Followers subscribed to that subtype would be notified (inbox or mail): Ficus sends no
 * notifications, so such a post is refused clearly.
 */
export async function messagePostTracking(ctx: CallContext, model: ModelInfo, id: number, subtypeXmlid: string, tracking: readonly TrackingValueRow[], body = ''): Promise<void> {
  const [module, name] = subtypeXmlid.split('.');
  const subtype = (await ctx.db.query<{ res_id: number }>(`SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2 AND model = 'mail.message.subtype'`, [module, name])).rows[0]?.res_id;
  if (!subtype) throw missingBehaviour(model.name, `the tracking message (subtype ${subtypeXmlid} is missing)`);
  const author = await currentAuthor(ctx);
  const notified = await ctx.db.query(
    `SELECT 1 FROM mail_followers f JOIN mail_followers_mail_message_subtype_rel r ON r.mail_followers_id = f.id
      WHERE f.res_model = $1 AND f.res_id = $2 AND r.mail_message_subtype_id = $3 AND f.partner_id IS DISTINCT FROM $4 LIMIT 1`,
    [model.name, id, subtype, author.partnerId],
  );
  if (notified.rowCount) throw missingBehaviour(model.name, `the notifications of a ${subtypeXmlid} tracking message to the record's followers`);
  const parent = await ctx.db.query<{ id: number }>(
    `SELECT id FROM mail_message WHERE model = $1 AND res_id = $2 AND message_type <> 'user_notification' ORDER BY id LIMIT 1`,
    [model.name, id],
  );
  const company = model.fields.get('company_id')?.column
    ? (await ctx.db.query<{ company_id: number | null }>(`SELECT company_id FROM ${ident(model.table!)} WHERE id = $1`, [id])).rows[0]?.company_id ?? null
    : null;
  const recordName = (await displayNames(ctx.readEnv({ sudo: true }), model, [id])).get(id) || null;
  const reply = await replyTo(ctx, author.emailFrom);
  const inserted = await ctx.db.query<{ id: number }>(
    `INSERT INTO mail_message (model, res_id, parent_id, record_name, record_company_id, author_id, email_from, message_type, subtype_id,
                               email_add_signature, message_id, reply_to, body, date, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'notification', $8, true, $9, $10, $12, date_trunc('second', now() at time zone 'UTC'), $11, $11,
             now() at time zone 'UTC', now() at time zone 'UTC')
     RETURNING id`,
    [model.name, id, parent.rows[0]?.id ?? null, recordName, company, author.partnerId, author.emailFrom || null, subtype,
      generateTrackingMessageId(`${id}-${model.name}`), reply || null, ctx.uid, body],
  );
  const messageId = inserted.rows[0]!.id;
  for (const values of tracking) {
    const names = Object.keys(values);
    await ctx.db.query(
      `INSERT INTO mail_tracking_value (${names.map((n) => ident(n)).join(', ')}, mail_message_id, create_uid, write_uid, create_date, write_date)
       VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, $${names.length + 1}, $${names.length + 2}, $${names.length + 2}, now() at time zone 'UTC', now() at time zone 'UTC')`,
      [...names.map((n) => values[n]), messageId, ctx.uid],
    );
  }
}
