import { sql } from 'kysely';
import type { SearchEnv, Sql } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';

/**
 * Non-stored fields whose model overrides `_field_to_sql` in Python, so that Odoo orders, groups
 * and compares them in SQL although they have no column. Without an entry here a non-stored field
 * is left out of an ORDER BY (Odoo logs and skips it).
 *
 * addons/account/models/account_account.py (AccountAccount._field_to_sql):
 * - `code`: `code_store` (company-dependent jsonb) read for `env.company.root_id`, as superuser;
 * - `placeholder_code`: that code, else the code for the account's first company among the
 *   user's companies followed by ` (<company name>)` (`_get_company_ids()`: the user's
 *   companies; Ficus does not see `allowed_company_ids` here);
 * - `internal_group`: the part of `account_type` before its first `_`.
 */
type FieldSqlOverride = (env: SearchEnv, alias: string) => Sql;

const rootCompany = (env: SearchEnv) =>
  sql`(SELECT split_part(c.parent_path, '/', 1) FROM res_company c WHERE c.id = ${sql.lit(env.companyId ?? 0)})`;

const accountCode: FieldSqlOverride = (env, alias) => sql`(${sql.ref(`${alias}.code_store`)} ->> ${rootCompany(env)})`;

const OVERRIDES: Record<string, FieldSqlOverride> = {
  'account.account.code': accountCode,
  'account.account.placeholder_code': (env, alias) => sql`COALESCE(${accountCode(env, alias)}, (
    SELECT ${sql.ref(`${alias}.code_store`)} ->> split_part(c.parent_path, '/', 1) || '(' || c.name || ')'
      FROM account_account_res_company_rel rel JOIN res_company c ON c.id = rel.res_company_id
     WHERE rel.account_account_id = ${sql.ref(`${alias}.id`)}
       AND rel.res_company_id IN (SELECT cid FROM res_company_users_rel WHERE user_id = ${sql.lit(env.uid ?? 0)})
     ORDER BY rel.res_company_id LIMIT 1))`,
  'account.account.internal_group': (_env, alias) => sql`split_part(${sql.ref(`${alias}.account_type`)}, '_', 1)`,
};

/** The SQL Odoo's `_field_to_sql` gives a non-stored field of `model`, when its model overrides it. */
export function pythonFieldSql(env: SearchEnv, model: ModelInfo, field: string, alias: string): Sql | undefined {
  const override = OVERRIDES[`${model.name}.${field}`];
  if (!override || !model.fields.get('code_store')?.column) return undefined;
  return override(env, alias);
}

/**
 * The joins Odoo's `_field_to_sql` adds to the whole query besides the field's SQL:
 * account.account `placeholder_code` INNER JOINs `account_first_company` (the account's first
 * company among the user's companies) on the account's alias. Through an ORDER BY on a many2one
 * to account.account (whose `_order` is `code, placeholder_code`) that inner join drops every
 * row whose account is empty: Odoo's `search([], order='<account many2one>')` on res.company
 * answers no row when the company has no such account.
 */
export function pythonFieldJoins(env: SearchEnv, model: ModelInfo, field: string, alias: string): Sql[] {
  if (`${model.name}.${field}` !== 'account.account.placeholder_code' || !model.fields.get('code_store')?.column) return [];
  const first = `account_first_company_${++env.aliasSeq}`;
  return [sql`JOIN (SELECT DISTINCT ON (rel.account_account_id) rel.account_account_id AS account_id
                 FROM account_account_res_company_rel rel
                WHERE rel.res_company_id IN (SELECT cid FROM res_company_users_rel WHERE user_id = ${sql.lit(env.uid ?? 0)})
                ORDER BY rel.account_account_id, rel.res_company_id) AS ${sql.table(first)}
             ON ${sql.ref(`${first}.account_id`)} = ${sql.ref(`${alias}.id`)}`];
}

/** Whether `model.field` has SQL through its model's Python `_field_to_sql` (sortable, groupable). */
export function hasPythonFieldSql(model: ModelInfo, field: string): boolean {
  return !!OVERRIDES[`${model.name}.${field}`] && !!model.fields.get('code_store')?.column;
}

/**
 * mail/models/mail_activity_mixin.py `_read_group_groupby('activity_state')`: records group by
 * the state of their active activities (the earliest deadline against today in the activity's
 * user timezone, else the context's, else UTC): 'overdue', 'today', 'planned', or none.
 */
export function pythonGroupbySql(env: SearchEnv, model: ModelInfo, field: string, alias: string, tz: string | undefined): Sql | undefined {
  if (!isActivityState(env, model, field)) return undefined;
  const zone = sql.lit(tz && /^[A-Za-z_+\-/0-9]+$/.test(tz) ? tz : 'UTC');
  const days = sql`min(EXTRACT(day from (a.date_deadline - DATE_TRUNC('day', now() AT TIME ZONE COALESCE(a.user_tz, ${zone})))))`;
  return sql`(SELECT CASE WHEN ${days} > 0 THEN 'planned' WHEN ${days} < 0 THEN 'overdue' WHEN ${days} = 0 THEN 'today' ELSE NULL END
    FROM mail_activity a WHERE a.res_model = ${sql.lit(model.name)} AND a.active = true AND a.res_id = ${sql.ref(`${alias}.id`)})`;
}

/** Whether `_read_group_groupby` of `model` has a Python override for `field`. */
export function hasPythonGroupby(registry: { model(name: string): ModelInfo | undefined }, model: ModelInfo, field: string): boolean {
  return field === 'activity_state' && model.fields.get('activity_state')?.type === 'selection' && !!model.table && !!registry.model('mail.activity')?.table;
}

function isActivityState(env: SearchEnv, model: ModelInfo, field: string): boolean {
  return hasPythonGroupby(env.registry, model, field);
}
