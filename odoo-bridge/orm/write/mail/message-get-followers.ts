import { valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { Bound } from '../../dispatch/signature.ts';
import { readAsUser } from '../../methods/checked-read.ts';
import { modelSearchSource, searchIds } from '../../methods/search-source.ts';
import type { ModelInfo } from '../../registry/types.ts';
import { xmlidToResId } from '../core/xmlid.ts';
import { userPartner } from './followers.ts';

/**
 * `message_get_followers(after=None, limit=100, filter_recipients=False)` (addons/mail/models/
 * mail_thread.py 18 `_message_followers_to_store`, mail_followers.py and res_partner.py
 * `_to_store`, tools/discuss.py `Store.get_result`): the document's followers other than the
 * user, searched as the user (mail.followers' ACL and rules) by id, after `after`, at most
 * `limit`; with `filter_recipients` only active partners following mail.mt_comment. Answered
 * as the discuss store: `mail.followers` records, their partners under `res.partner` (read as the
 * user; no email for a user who is not an employee) and the thread's `followers`/`recipients`
 * as an ADD command.
 */
export async function messageGetFollowers(ctx: CallContext, model: ModelInfo, ids: readonly number[], bound: Bound): Promise<Record<string, unknown>> {
  if (ids.length !== 1) throw valueError(`Expected singleton: ${model.name}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`);
  const resId = ids[0]!;
  const followersModel = ctx.registry.model('mail.followers')!;
  const partnerModel = ctx.registry.model('res.partner')!;
  const me = await userPartner(ctx);
  const domain: unknown[] = [['res_id', '=', resId], ['res_model', '=', model.name], ['partner_id', '!=', me.partnerId ?? false]];
  if (bound.filter_recipients) {
    domain.push(['subtype_ids', '=', (await xmlidToResId(ctx.db, 'mail.mt_comment')) ?? false], ['partner_id.active', '=', true]);
  }
  if (bound.after) domain.push(['id', '>', bound.after]);
  const limit = typeof bound.limit === 'number' && bound.limit > 0 ? bound.limit : null;
  const found = await searchIds(ctx, followersModel, await modelSearchSource(ctx, followersModel, domain, { order: 'id ASC', limit, offset: 0 }));
  const followers = found.length ? await readAsUser(ctx, followersModel, found, ['display_name', 'email', 'is_active', 'name', 'partner_id', 'res_model', 'res_id'], false) : [];
  const result: Record<string, unknown> = {};
  if (followers.length) {
    result['mail.followers'] = followers.map((f) => ({
      display_name: f.display_name,
      email: f.email,
      id: f.id,
      is_active: f.is_active,
      name: f.name,
      partner: { id: f.partner_id, type: 'partner' },
      partner_id: f.partner_id,
      thread: { id: f.res_id, model: f.res_model },
    }));
  }
  result['mail.thread'] = [sortedKeys({ [bound.filter_recipients ? 'recipients' : 'followers']: [['ADD', followers.map((f) => f.id)]], id: resId, model: model.name })];
  const partnerIds = [...new Set(followers.map((f) => f.partner_id as number))];
  if (partnerIds.length) {
    const fields = ['active', ...(me.share ? [] : ['email']), 'im_status', 'is_company', 'name', 'write_date'];
    const partners = new Map((await readAsUser(ctx, partnerModel, partnerIds, fields, false)).map((p) => [p.id as number, p]));
    // `partner.with_context(active_test=False).user_ids` in res.users order (name, login): the first employee, else the first user.
    const users = await ctx.db.query<{ partner_id: number; id: number; share: boolean | null }>(
      `SELECT u.partner_id, u.id, u.share FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.partner_id = ANY($1::int4[]) ORDER BY p.name, u.login`,
      [partnerIds],
    );
    result['res.partner'] = partnerIds.map((id) => {
      const own = users.rows.filter((u) => u.partner_id === id);
      const main = own.find((u) => !u.share) ?? own[0];
      const data = { ...(partners.get(id) ?? { id }), isInternalUser: main ? !main.share : false, userId: main?.id ?? false };
      return sortedKeys(data);
    });
  }
  return result;
}

/** `Store.get_result`: each record's keys sorted. */
function sortedKeys(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
