import { missingBehaviour } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { partnerEmailFormatted } from '../write/mail/mail-format.ts';

type Values = Record<string, unknown>;

/**
 * A model's `default_get` override, as its module writes it: `base(extraContext)` is BaseModel's
 * default_get of the same fields (an override that adds context keys before its `super()` call
 * passes them), and the override changes what it returns. Only overrides whose whole body the
 * engine runs exactly are here; a model whose override is not listed answers BaseModel's result.
 */
export interface DefaultGetOverride {
  readonly module: string;
  /** `context`: the call's, with the keys of an enclosing override (a child model's delegation). */
  run(ctx: CallContext, context: Readonly<Values>, names: readonly string[], base: (extraContext: Values) => Promise<Values>): Promise<Values>;
}

export const DEFAULT_GET_OVERRIDES: Readonly<Record<string, DefaultGetOverride>> = {
  // base ir_cron.py: "only 'code' state is supported for cron job so set it as default".
  'ir.cron': {
    module: 'base',
    run: (_ctx, context, _names, base) => base(context.default_state ? {} : { default_state: 'code' }),
  },
  // base ir_sequence.py IrSequenceDateRange.default_get: `number_next_actual` (computed, no default) is 1 when asked.
  'ir.sequence.date_range': {
    module: 'base',
    async run(_ctx, _context, names, base) {
      const res = await base({});
      if (names.includes('number_next_actual')) res.number_next_actual = 1;
      return res;
    },
  },
  // mail mail_message.py: an author and an email_from asked for and not given by the defaults
  // come from mail.thread `_message_compute_author(author_id, email_from, raise_on_email=False)`.
  'mail.message': {
    module: 'mail',
    async run(ctx, _context, names, base) {
      const res = await base({});
      const missingAuthor = names.includes('author_id') && !('author_id' in res);
      const missingEmailFrom = names.includes('email_from') && !('email_from' in res);
      if (!missingAuthor && !missingEmailFrom) return res;
      const { authorId, emailFrom } = await computeAuthor(ctx, res.author_id, res.email_from);
      if (missingEmailFrom) res.email_from = emailFrom;
      if (missingAuthor) res.author_id = authorId;
      return res;
    },
  },
};

/**
 * mail_thread.py `_message_compute_author`: no author given → the user's partner and its
 * email_formatted (an email_from without author is matched against partners by email, which the
 * engine does not run: refused); an author given without email_from → that partner's
 * email_formatted (None for a falsy author).
 */
async function computeAuthor(ctx: CallContext, authorGiven: unknown, emailGiven: unknown): Promise<{ authorId: unknown; emailFrom: unknown }> {
  let authorId = authorGiven;
  let emailFrom = emailGiven ?? null;
  if (authorGiven === undefined || authorGiven === null) {
    if (emailFrom) throw missingBehaviour('mail.message', "default_get's author lookup from email_from (_mail_find_partner_from_emails)");
    const user = await ctx.db.query<{ partner_id: number }>(`SELECT partner_id FROM res_users WHERE id = $1`, [ctx.uid]);
    authorId = user.rows[0]?.partner_id ?? false;
    emailFrom = await emailFormatted(ctx, authorId);
  } else if (emailFrom === null && authorId) {
    emailFrom = await emailFormatted(ctx, authorId);
  }
  return { authorId, emailFrom };
}

async function emailFormatted(ctx: CallContext, partnerId: unknown): Promise<string | false> {
  if (typeof partnerId !== 'number') return false;
  const r = await ctx.db.query<{ name: string | null; email: string | null }>(`SELECT name, email FROM res_partner WHERE id = $1`, [partnerId]);
  const row = r.rows[0];
  return row ? partnerEmailFormatted(row.name, row.email) : false;
}
