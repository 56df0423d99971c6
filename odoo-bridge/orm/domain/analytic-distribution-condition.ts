import { sql } from 'kysely';
import { typeError, userError } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import { fieldSql } from './field-sql.ts';
import type { SearchEnv, Sql } from './search-env.ts';

const SUPPORTED = new Set(['=', '!=', 'ilike', 'not ilike', 'in', 'not in']);

/**
 * analytic.mixin `_condition_to_sql` (addons/analytic/models/analytic_mixin.py): a leaf on
 * `analytic_distribution` (a json of "<id>[,<id>…]": percentage) compares the account ids its keys
 * name. Only =, !=, ilike, not ilike, in, not in (else UserError "Operation not supported"); = and !=
 * with a boolean stay the plain json test; a text with =/!=/ilike/not ilike names the accounts whose
 * display name matches (`account.analytic.account._search`, as the user) and becomes in/not in; in is
 * an array overlap with the key ids, not in its negation or no distribution. Skipped when the context
 * has `account_report_analytic_groupby` (the reports' temporary table).
 * `accountsWhere(domain)` is the analytic accounts' `_search` as an id subquery.
 */
export function analyticDistributionCondition(
  env: SearchEnv,
  model: ModelInfo,
  alias: string,
  name: string,
  operator: string,
  value: unknown,
  accountIds: (domain: unknown[]) => Sql,
): Sql | null {
  const field = model.fields.get(name);
  if (name !== 'analytic_distribution' || field?.type !== 'json' || !model.fields.has('distribution_analytic_account_ids')) return null;
  if (env.context?.account_report_analytic_groupby) return null;
  if (!SUPPORTED.has(operator)) throw userError('Operation not supported');
  if ((operator === '=' || operator === '!=') && typeof value === 'boolean') return null;
  const column = fieldSql(env, field, alias);
  const keyIds = sql`regexp_split_to_array(jsonb_path_query_array(${column}, '$.keyvalue()."key"')::text, '\\D+')`;
  let op = operator;
  let ids: Sql;
  if (typeof value === 'string' && ['=', '!=', 'ilike', 'not ilike'].includes(operator)) {
    ids = sql`ARRAY(SELECT matched.id::text FROM (${accountIds([['display_name', operator === '=' || operator === '!=' ? '=' : 'ilike', value]])}) AS matched)`;
    op = operator === '=' || operator === 'ilike' ? 'in' : 'not in';
  } else {
    // `[str(id_) for id_ in value if id_]`: a text iterates its characters, a number is not iterable.
    const items = typeof value === 'string' ? [...value] : Array.isArray(value) ? value : null;
    if (!items) throw typeError(`'${pythonTypeName(value)}' object is not iterable`);
    ids = sql`${items.filter((id) => id !== false && id !== null && id !== 0 && id !== '').map((id) => String(id))}::text[]`;
  }
  if (op === 'in') return sql`(${keyIds} && ${ids})`;
  if (op === 'not in') return sql`(NOT ${keyIds} && ${ids} OR ${column} IS NULL)`;
  throw userError('Operation not supported');
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value === 'object' ? 'dict' : typeof value;
}
