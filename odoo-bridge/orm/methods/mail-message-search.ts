import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import { compileWhere, requireTable } from '../domain/compile.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import { vouchRuled, type SearchRowSource } from '../read/read-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';

/**
 * `mail.message._search` (addons/mail/models/mail_message.py, Odoo 18): every search of messages
 * by a user who is not the superuser keeps, of the rows the plain search found (after its
 * offset and limit), only the messages
 * - the user wrote (`author_id` = the user's partner), or
 * - addressed to the user's partner (`partner_ids`) or notifying it (`mail_notification`), or
 * - attached to a document (`model`, `res_id`, not a `user_notification`) whose model the user
 *   may read (ir.model.access) and whose record the user's rules let them find, archived or not
 *   (`_find_allowed_model_wise`: `search([('id', 'in', doc_ids)])` with active_test=False).
 * A user who is not internal (`share`) first gets `_get_search_domain_share()` prepended: only
 * non-internal messages with a subtype that is not internal.
 *
 * Because the filter runs after the paged query, a limited search may answer fewer rows than the
 * limit: `search([], limit=40)` is the first 40 messages minus those the user may not see.
 */
export async function mailMessageSearch(ctx: CallContext, model: ModelInfo, source: SearchRowSource): Promise<SearchRowSource> {
  const user = (await run<{ partner_id: number | null; share: boolean | null }>(ctx.db, sql`SELECT partner_id, share FROM res_users WHERE id = ${ctx.uid}`))[0];
  const { alias } = source;
  let where = source.where;
  if (user?.share) {
    const share = [['is_internal', '=', false], ['subtype_id', '!=', false], ['subtype_id.internal', '=', false]];
    where = sql`(${where}) AND ${compileWhere(ctx.searchEnv(), model, share, alias)}`;
  }
  const allowed = await allowedMessages(ctx, alias, user?.partner_id ?? null);
  if (source.limit === null && !source.offset) return vouchRuled({ ...source, where: sql`(${where}) AND ${allowed}` });
  // The paged search first (same statement parts, under the same alias inside the subquery),
  // then the filter on the rows it found; the order stays the caller's.
  const table = sql.table(requireTable(model));
  const paged = sql`SELECT ${sql.ref(`${alias}.id`)} FROM ${table} AS ${sql.table(alias)} ${sql.join(source.joins, sql` `)} WHERE ${where}${
    source.order.length ? sql` ORDER BY ${sql.join(source.order)}` : sql``}${source.limit !== null ? sql` LIMIT ${source.limit}` : sql``}${
    source.offset ? sql` OFFSET ${source.offset}` : sql``}`;
  return vouchRuled({ ...source, where: sql`${sql.ref(`${alias}.id`)} IN (${paged}) AND ${allowed}`, limit: null, offset: 0 });
}

/** The access condition of `_search` on the message row `alias`, for the user's partner. */
async function allowedMessages(ctx: CallContext, alias: string, partnerId: number | null): Promise<Sql> {
  const message = (column: string) => sql.ref(`${alias}.${column}`);
  const conditions: Sql[] = [];
  if (partnerId !== null) {
    conditions.push(
      sql`${message('author_id')} = ${partnerId}`,
      sql`EXISTS (SELECT 1 FROM mail_message_res_partner_rel r WHERE r.mail_message_id = ${message('id')} AND r.res_partner_id = ${partnerId})`,
      sql`EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = ${message('id')} AND n.res_partner_id = ${partnerId})`,
    );
  }
  // Only the models messages are attached to: one rule-filtered sub-search each.
  const models = await run<{ model: string }>(ctx.db, sql`SELECT DISTINCT model FROM mail_message WHERE model IS NOT NULL AND res_id IS NOT NULL AND res_id <> 0 ORDER BY model`);
  const documents: Sql[] = [];
  for (const { model: name } of models) {
    const docModel = ctx.registry.model(name);
    if (!docModel?.table || !ctx.access.hasModel(docModel, 'read')) continue;
    const env = ctx.searchEnv({ activeTest: false });
    const docAlias = nextAlias(env, docModel);
    const visible = compileWhere(env, docModel, [], docAlias);
    documents.push(sql`(${message('model')} = ${name} AND ${message('res_id')} IN (SELECT ${sql.ref(`${docAlias}.id`)} FROM ${sql.table(docModel.table)} AS ${sql.table(docAlias)} WHERE ${visible}))`);
  }
  if (documents.length) {
    conditions.push(sql`(${message('message_type')} IS DISTINCT FROM 'user_notification' AND (${sql.join(documents, sql` OR `)}))`);
  }
  return conditions.length ? sql`(${sql.join(conditions, sql` OR `)})` : sql`FALSE`;
}
