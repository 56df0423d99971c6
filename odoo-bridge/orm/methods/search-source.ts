import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { compileWhere, requireTable } from '../domain/compile.ts';
import { assertHierarchySeedsExist, assertSeedsBeforeError, noteCompileError } from '../domain/hierarchy-seeds.ts';
import { assertNoRefusedIds } from '../domain/x2many-boolean-ids.ts';
import { assertTemporalLiteralsValid } from '../domain/temporal-literals.ts';
import { assertOdooSearchValues, type ClientPaging } from '../sql-text/search-values.ts';
import { nextAlias, type SearchEnv, type Sql } from '../domain/search-env.ts';
import { vouchReadable, vouchRuled, type ReadableIds, type SearchRowSource } from '../read/read-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { orderToSql } from '../sql/order.ts';
import { mailMessageSearch } from './mail-message-search.ts';
import { mailActivitySearch } from './mail-activity-search.ts';
import { visibleMenusOnly } from './visible-menus.ts';
import { groupsByFullName, ordersByFullName } from './groups-full-name-order.ts';

/**
 * `_search(domain, offset, limit, order)` as a row source: the WHERE (domain, active leaf,
 * record rules), ORDER BY (with its LEFT JOINs) and paging of one statement. Reads use it
 * directly (search_read is one query), `search` selects only ids from it.
 */
export function searchSource(
  ctx: CallContext,
  model: ModelInfo,
  domain: unknown,
  paging: { order: string | null; limit: number | null; offset: number },
  options: { activeTest?: boolean } = {},
): SearchRowSource {
  return compiledSearch(ctx, model, domain, paging, options).source;
}

function compiledSearch(
  ctx: CallContext,
  model: ModelInfo,
  domain: unknown,
  paging: { order: string | null; limit: number | null; offset: number },
  options: { activeTest?: boolean },
): { source: SearchRowSource; env: SearchEnv } {
  requireTable(model);
  const env = ctx.searchEnv(options);
  const alias = nextAlias(env, model);
  let where: Sql;
  try {
    where = compileWhere(env, model, domain, alias);
  } catch (error) {
    throw noteCompileError(error, env);
  }
  const joins: Sql[] = [];
  const order = paging.order ? orderToSql(env, model, alias, paging.order, joins) : [];
  // `ctx.searchEnv` puts the user's read rules into `where` (compileWhere): the reader may trust it.
  return { source: vouchRuled({ kind: 'search', alias, where, joins, order, limit: paging.limit, offset: paging.offset }), env };
}

/**
 * `search` / `_search` as the model answers it: the plain search of `searchSource`, then the
 * model's own `_search` override where Odoo has one that filters rows (mail.message, mail.activity).
 */
export async function modelSearchSource(
  ctx: CallContext,
  model: ModelInfo,
  domain: unknown,
  paging: { order: string | null; limit: number | null; offset: number },
  options: {
    activeTest?: boolean;
    searchFetch?: boolean;
    /** The client's values as Odoo would interpolate them: what PostgreSQL refuses there is Odoo's psycopg2 error (sql-text/search-values.ts). */
    clientValues?: { select: 'search' | 'fetch' | 'count'; paging: ClientPaging };
  } = {},
): Promise<SearchRowSource> {
  if (ordersByFullName(model, paging.order)) {
    return groupsByFullName(ctx, model, paging, (all) => modelSearchSource(ctx, model, domain, all, options));
  }
  let compiled: ReturnType<typeof compiledSearch>;
  try {
    compiled = compiledSearch(ctx, model, domain, paging, options);
  } catch (error) {
    await assertSeedsBeforeError(ctx.db, error);
    // A value PostgreSQL refuses in Odoo's statement: the same error, with Odoo's excerpt.
    if (options.clientValues && error instanceof OdooError && error.exceptionName.startsWith('psycopg2.errors.')) {
      await assertOdooSearchValues(ctx.db, ctx.searchEnv(options), model, domain, options.clientValues.select, paging.order, options.clientValues.paging);
    }
    throw error;
  }
  const { source, env } = compiled;
  await assertHierarchySeedsExist(ctx.db, env);
  await assertTemporalLiteralsValid(ctx.db, env, model, domain);
  assertNoRefusedIds(env);
  if (options.clientValues) await assertOdooSearchValues(ctx.db, env, model, domain, options.clientValues.select, paging.order, options.clientValues.paging);
  // ir.ui.menu overrides search_fetch and search_count (not _search): only their callers ask
  // (search, search_read, search_fetch, search_count, web_search_read, name_search).
  if (model.name === 'ir.ui.menu' && options.searchFetch) return visibleMenusOnly(ctx, source);
  if (model.name === 'mail.message' && !ctx.access.superuser) return mailMessageSearch(ctx, model, source);
  return model.name === 'mail.activity' && !ctx.access.superuser ? mailActivitySearch(ctx, model, source) : source;
}

/** The ids a rule-filtered search finds, in its order: readable by the user by construction. */
export async function searchIds(ctx: CallContext, model: ModelInfo, source: SearchRowSource): Promise<ReadableIds> {
  const { alias } = source;
  const rows = await run<{ id: number }>(
    ctx.db,
    sql`SELECT ${sql.ref(`${alias}.id`)} AS id FROM ${sql.table(model.table!)} AS ${sql.table(alias)} ${sql.join(source.joins, sql` `)} WHERE ${source.where}${source.order.length ? sql` ORDER BY ${sql.join(source.order)}` : sql``}${source.limit ? sql` LIMIT ${source.limit}` : sql``}${source.offset ? sql` OFFSET ${source.offset}` : sql``}`,
  );
  return vouchReadable(rows.map((r) => r.id));
}

export async function countRows(ctx: CallContext, model: ModelInfo, domain: unknown, limit: number | null, clientLimit?: unknown): Promise<number> {
  const clientValues = clientLimit === undefined ? undefined : { select: 'count' as const, paging: { limit: clientLimit, offset: null } };
  const source = await modelSearchSource(ctx, model, domain, { order: null, limit, offset: 0 }, { searchFetch: true, clientValues });
  const inner = sql`SELECT 1 FROM ${sql.table(model.table!)} AS ${sql.table(source.alias)} WHERE ${source.where}${source.limit ? sql` LIMIT ${source.limit}` : sql``}`;
  const rows = await run<{ n: number }>(ctx.db, sql`SELECT count(*)::int4 AS n FROM (${inner}) AS c`);
  return rows[0]?.n ?? 0;
}
