import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import { compileWhere, requireTable } from '../domain/compile.ts';
import { newSearchEnv, nextAlias, type Sql } from '../domain/search-env.ts';
import { normalizeDomain } from '../access/rule-domains.ts';
import { vouchRuled, type SearchRowSource } from '../read/read-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { isMailThread } from '../write/mail/mail-thread.ts';

/**
 * `mail.activity._search` (addons/mail/models/mail_activity.py, Odoo 18): every search of
 * activities by a user who is not the superuser keeps, of the rows the plain search found (after
 * its offset and limit), only the activities
 * - assigned to the user (`user_id`), or
 * - on a document the user passes `_filtered_access(operation)` for: the document model's ACL and
 *   its record rules (archived documents included), where `operation` is the model's
 *   `_mail_post_access` — 'write' on models inheriting mail.thread (a few say 'read'), 'read' on
 *   the others (`getattr(records, '_mail_post_access', 'read')`).
 * Like mail.message's, a limited search may answer fewer rows than the limit.
 */
const READ_POST_ACCESS = new Set(['account.move', 'hr.employee', 'hr.contract', 'hr.leave', 'hr.leave.allocation', 'project.task', 'blog.post', 'slide.slide', 'discuss.channel']);

export async function mailActivitySearch(ctx: CallContext, model: ModelInfo, source: SearchRowSource): Promise<SearchRowSource> {
  const { alias } = source;
  const allowed = await allowedActivities(ctx, alias);
  if (source.limit === null && !source.offset) return vouchRuled({ ...source, where: sql`(${source.where}) AND ${allowed}` });
  const table = sql.table(requireTable(model));
  const paged = sql`SELECT ${sql.ref(`${alias}.id`)} FROM ${table} AS ${sql.table(alias)} ${sql.join(source.joins, sql` `)} WHERE ${source.where}${
    source.order.length ? sql` ORDER BY ${sql.join(source.order)}` : sql``}${source.limit !== null ? sql` LIMIT ${source.limit}` : sql``}${
    source.offset ? sql` OFFSET ${source.offset}` : sql``}`;
  return vouchRuled({ ...source, where: sql`${sql.ref(`${alias}.id`)} IN (${paged}) AND ${allowed}`, limit: null, offset: 0 });
}

async function allowedActivities(ctx: CallContext, alias: string): Promise<Sql> {
  const activity = (column: string) => sql.ref(`${alias}.${column}`);
  const conditions: Sql[] = [sql`${activity('user_id')} = ${ctx.uid}`];
  const models = await run<{ model: string }>(ctx.db, sql`SELECT DISTINCT res_model AS model FROM mail_activity WHERE res_model IS NOT NULL ORDER BY 1`);
  for (const { model: name } of models) {
    const docModel = ctx.registry.model(name);
    if (!docModel?.table) continue;
    const operation = isMailThread(docModel) && !READ_POST_ACCESS.has(name) ? 'write' : 'read';
    if (!ctx.access.hasModel(docModel, operation)) continue;
    // `_filtered_access`: the rules of that operation, evaluated as sudo without the active filter.
    const env = newSearchEnv(ctx.registry, { activeTest: false, companyId: ctx.access.companyId });
    const docAlias = nextAlias(env, docModel);
    const rules = ctx.access.ruleDomain(docModel, operation);
    const where = compileWhere(env, docModel, rules ? normalizeDomain(rules) : [], docAlias, { sudo: true, activeTest: false });
    conditions.push(sql`(${activity('res_model')} = ${name} AND ${activity('res_id')} IN (SELECT ${sql.ref(`${docAlias}.id`)} FROM ${sql.table(docModel.table)} AS ${sql.table(docAlias)} WHERE ${where}))`);
  }
  return sql`(${sql.join(conditions, sql` OR `)})`;
}
