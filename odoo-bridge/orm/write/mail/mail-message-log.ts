import type { CallContext } from '../../call-context.ts';
import { generateTrackingMessageId, partnerEmailFormatted, formataddr } from './mail-format.ts';

/**
 * `mail.thread._message_log_batch` (addons/mail/models/mail_thread.py 18): a note logged on
 * documents without notifying anyone, as sudo, with the current user's partner as author:
 * message_type 'notification', subtype mail.mt_note, is_internal, no signature, a
 * `message-notify` Message-Id, `reply_to` from `_notify_get_reply_to` of a void recordset (the
 * company's catchall, else the author's address), no record name/company/alias domain.
 */
export interface Author {
  partnerId: number | null;
  emailFrom: string | false;
  active: boolean;
}

export async function currentAuthor(ctx: CallContext): Promise<Author> {
  const r = await ctx.db.query<{ partner_id: number | null; name: string | null; email: string | null; active: boolean | null }>(
    `SELECT u.partner_id, p.name, p.email, u.active FROM res_users u LEFT JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [ctx.uid],
  );
  const row = r.rows[0];
  return { partnerId: row?.partner_id ?? null, emailFrom: row?.partner_id ? partnerEmailFormatted(row.name, row.email) : false, active: !!row?.active };
}

/** `_notify_get_reply_to(default=email_from)[False]` on the void recordset: the company catchall, formatted with its name. */
export async function replyTo(ctx: CallContext, emailFrom: string | false): Promise<string | false> {
  if (ctx.access.companyId == null) return emailFrom;
  const r = await ctx.db
    .query<{ name: string; catchall: string | null }>(
      `SELECT c.name, CASE WHEN d.catchall_alias IS NOT NULL AND d.catchall_alias <> '' THEN d.catchall_alias || '@' || d.name END AS catchall
         FROM res_company c LEFT JOIN mail_alias_domain d ON d.id = c.alias_domain_id WHERE c.id = $1`,
      [ctx.access.companyId],
    )
    .catch(() => ({ rows: [] as Array<{ name: string; catchall: string | null }> }));
  const row = r.rows[0];
  if (!row?.catchall) return emailFrom;
  // _notify_get_reply_to_formatted_email: "Company" <catchall>, the bare address past 68 characters.
  if (row.catchall.length >= 68) return row.catchall;
  const formatted = formataddr(row.name, row.catchall);
  return formatted.length > 68 ? row.catchall : formatted;
}

async function noteSubtype(ctx: CallContext): Promise<number | null> {
  const r = await ctx.db.query<{ res_id: number }>(`SELECT res_id FROM ir_model_data WHERE module = 'mail' AND name = 'mt_note'`);
  return r.rows[0]?.res_id ?? null;
}

export type TrackingValueRow = Record<string, unknown>;

/** Logs one note per record (`bodies`: id → html), with tracking value rows on a single record's note. Returns the message ids. */
export async function messageLogBatch(ctx: CallContext, model: string, bodies: ReadonlyMap<number, string>, tracking: readonly TrackingValueRow[] = []): Promise<number[]> {
  const author = await currentAuthor(ctx);
  const subtype = await noteSubtype(ctx);
  const reply = await replyTo(ctx, author.emailFrom);
  const ids: number[] = [];
  for (const [resId, body] of bodies) {
    const inserted = await ctx.db.query<{ id: number }>(
      `INSERT INTO mail_message (model, res_id, author_id, email_from, message_type, is_internal, subtype_id, email_add_signature,
                                 message_id, reply_to, body, date, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, $3, $4, 'notification', true, $5, false, $6, $7, $8, date_trunc('second', now() at time zone 'UTC'), $9, $9,
               now() at time zone 'UTC', now() at time zone 'UTC')
       RETURNING id`,
      [model, resId, author.partnerId, author.emailFrom || null, subtype, generateTrackingMessageId('message-notify'), reply || null, body, ctx.uid],
    );
    const messageId = inserted.rows[0]!.id;
    ids.push(messageId);
    for (const values of tracking) {
      const names = Object.keys(values);
      await ctx.db.query(
        `INSERT INTO mail_tracking_value (${names.map((n) => `"${n}"`).join(', ')}, mail_message_id, create_uid, write_uid, create_date, write_date)
         VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, $${names.length + 1}, $${names.length + 2}, $${names.length + 2}, now() at time zone 'UTC', now() at time zone 'UTC')`,
        [...names.map((n) => values[n]), messageId, ctx.uid],
      );
    }
  }
  return ids;
}

/**
 * `mail.followers._insert_followers(model, ids, partner_ids, subtypes=None)`: new followers with
 * the model's default subtypes (`mail.message.subtype.default_subtypes`: default, for this model
 * or any; customers get the external ones only). Existing followers are kept as they are.
 */
export async function insertDefaultFollowers(ctx: CallContext, model: string, resIds: readonly number[], partnerIds: readonly number[], customerIds: readonly number[] = []): Promise<void> {
  if (!resIds.length || !partnerIds.length) return;
  const subtypes = await ctx.db.query<{ id: number; internal: boolean }>(
    `SELECT id, COALESCE(internal, false) AS internal FROM mail_message_subtype
      WHERE COALESCE("default", false) AND (res_model = $1 OR res_model IS NULL) ORDER BY sequence, id`,
    [model],
  );
  for (const resId of resIds) {
    for (const partnerId of partnerIds) {
      const existing = await ctx.db.query(`SELECT 1 FROM mail_followers WHERE res_model = $1 AND res_id = $2 AND partner_id = $3`, [model, resId, partnerId]);
      if (existing.rowCount) continue;
      const follower = await ctx.db.query<{ id: number }>(`INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES ($1, $2, $3) RETURNING id`, [model, resId, partnerId]);
      const ids = subtypes.rows.filter((s) => !customerIds.includes(partnerId) || !s.internal).map((s) => s.id);
      if (ids.length) {
        await ctx.db.query(
          `INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`,
          [follower.rows[0]!.id, ids],
        );
      }
    }
  }
}
