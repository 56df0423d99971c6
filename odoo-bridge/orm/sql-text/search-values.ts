import type { SearchEnv } from '../domain/search-env.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import type { Queryable } from '../sql/execute.ts';
import { assertClientLiteralsValid, assertPagingNotNegative } from './client-literals.ts';
import { odooSearchText, type OdooSearchCall } from './odoo-search-text.ts';
import type { ParentOfIds } from './odoo-where-text.ts';
import { StatementText } from './statement-text.ts';

/** `limit`/`offset` as the client sent them, and the numbers PostgreSQL would read from them. */
export interface ClientPaging {
  readonly limit?: unknown;
  readonly offset?: unknown;
}

/**
 * The values of a `_search` Odoo interpolates into its statement and PostgreSQL may refuse:
 * `limit`/`offset` strings (read as bigint), negative ones (refused when the statement runs),
 * and `id` compared with a value (`Field.convert_to_column` makes it a str, read as integer).
 * When one is present, Odoo's statement is rendered (odoo-search-text.ts) and its literals are
 * read as PostgreSQL does; the first refused is Odoo's psycopg2 error, with libpq's excerpt of
 * Odoo's statement when the text around the value is known, else the message alone. Checked
 * after the domain compiled (Odoo's Python errors come first) and before Ficus's statement runs.
 */
export async function assertOdooSearchValues(
  db: Queryable,
  env: SearchEnv,
  model: ModelInfo,
  domain: unknown,
  select: OdooSearchCall['select'],
  order: string | null,
  paging: ClientPaging,
  group: { joins: boolean; countLast: boolean; groupby?: readonly string[]; orderby?: string } = { joins: false, countLast: false },
): Promise<void> {
  const suspectPaging = [paging.limit, paging.offset].some((v) => typeof v === 'string' || (typeof v === 'number' && v < 0));
  if (!suspectPaging && !hasSuspectIdLiteral(domain)) return;
  const ruleDomain = env.ruleDomain?.(model) ?? null;
  // mail.message's and mail.activity's `_search` overrides run other statements for a non-superuser.
  const overridden = OVERRIDDEN_SEARCH.has(model.name) && !!env.ruleDomain?.(model);
  const statement = overridden ? null : odooSearchText({
    registry: env.registry,
    model,
    select,
    domain,
    activeTest: env.activeTest,
    lang: env.lang,
    ruleDomain,
    parentOf: await parentOfIds(db, env.registry, model, ruleDomain),
    order: select === 'count' ? null : order,
    limit: paging.limit,
    offset: paging.offset,
    groupJoins: group.joins,
    countLast: group.countLast,
    groupOrder: group.groupby,
    ...(group.orderby ? { groupOrderBy: group.orderby } : {}),
  });
  if (statement) assertClientLiteralsValid(statement);
  else assertClientLiteralsValid(new StatementText(), fallbackLiterals(domain, paging));
  assertPagingNotNegative(pagingNumber(paging.limit), pagingNumber(paging.offset) ?? 0);
}

const OVERRIDDEN_SEARCH = new Set(['mail.message', 'mail.activity']);
const ID_COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=', '=?']);

/** A leaf `('id', <comparison>, v)` whose `str(v)` may not read as an integer. */
function hasSuspectIdLiteral(domain: unknown): boolean {
  return Array.isArray(domain) && domain.some((item) => idLiteralOf(item) !== null);
}

function idLiteralOf(item: unknown): string | null {
  if (!Array.isArray(item) || item.length !== 3 || item[0] !== 'id' || !ID_COMPARISONS.has(String(item[1]))) return null;
  const value: unknown = item[2];
  if (value === true) return 'True';
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && value !== 0 && !(Number.isInteger(value) && Math.abs(value) <= 2147483647)) return String(value);
  return null;
}

/** Without Odoo's text: the same values, in the same order, reported without excerpt. */
function fallbackLiterals(domain: unknown, paging: ClientPaging) {
  const literals = [];
  for (const item of Array.isArray(domain) ? domain : []) {
    const value = idLiteralOf(item);
    if (value !== null) literals.push({ position: 0, value, pgType: 'integer' as const });
  }
  if (typeof paging.offset === 'string' && paging.offset) literals.push({ position: 0, value: paging.offset, pgType: 'bigint' as const });
  if (typeof paging.limit === 'string' && paging.limit) literals.push({ position: 0, value: paging.limit, pgType: 'bigint' as const });
  return literals;
}

function pagingNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return null;
}


/**
 * The numbers Ficus's own statement uses for `limit`/`offset` (Odoo's falsy checks: no limit,
 * offset 0); a value PostgreSQL would refuse is reported by `assertOdooSearchValues` before.
 */
export function pagingOf(paging: ClientPaging): { limit: number | null; offset: number } {
  const limit = pagingNumber(paging.limit);
  const offset = pagingNumber(paging.offset);
  return { limit: limit !== null && limit > 0 ? Math.floor(limit) : null, offset: offset !== null && offset > 0 ? Math.floor(offset) : 0 };
}

/**
 * The ids each `parent_of` leaf of the record rules expands to (expression.py `parent_of_domain`:
 * every label of each id's parent_path, in order, read as superuser), for many2ones whose comodel
 * keeps `_parent_store`; a leaf with an id gone is left unknown (its text opaque).
 */
async function parentOfIds(db: Queryable, registry: Registry, model: ModelInfo, ruleDomain: readonly unknown[] | null): Promise<ParentOfIds | undefined> {
  const resolved = new Map<string, { table: string; ids: readonly number[] }>();
  for (const item of ruleDomain ?? []) {
    if (!Array.isArray(item) || item[1] !== 'parent_of' || typeof item[0] !== 'string') continue;
    const field = model.fields.get(item[0]);
    const comodel = field?.type === 'many2one' && field.relation ? registry.model(field.relation) : undefined;
    if (!comodel?.parentStore || !comodel.table) continue;
    const given = (Array.isArray(item[2]) ? item[2] : [item[2]]).filter((id) => id !== false && id !== null);
    if (!given.every((id): id is number => typeof id === 'number' && Number.isInteger(id))) continue;
    const rows = await db.query<{ id: number; parent_path: string | null }>(`SELECT id, parent_path FROM "${comodel.table}" WHERE id = ANY($1::int4[])`, [given]);
    const paths = new Map(rows.rows.map((row) => [row.id, row.parent_path]));
    if (given.some((id) => !paths.get(id))) continue;
    const ids = given.flatMap((id) => paths.get(id)!.split('/').slice(0, -1).map(Number));
    resolved.set(parentOfKey(item[0], item[2]), { table: comodel.table, ids });
  }
  return resolved.size ? (field, value) => resolved.get(parentOfKey(field, value)) : undefined;
}

function parentOfKey(field: string, value: unknown): string {
  return `${field}\u0000${JSON.stringify(value)}`;
}
