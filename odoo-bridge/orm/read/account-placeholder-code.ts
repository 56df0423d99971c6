import { sql } from 'kysely';
import type { Sql } from '../domain/search-env.ts';
import { pythonFieldSql } from '../sql/python-field-sql.ts';
import type { ComputeScope } from './computed-field.ts';

/**
 * account/models/account_account.py `_compute_placeholder_code`: the account's code for
 * env.company's root (sudo), else `<code> (<company>)` of the first of the account's companies
 * the reader belongs to. Shared by the placeholder_code compute and root_id (its first two
 * characters), which is why it lives apart from both tables.
 */
export function placeholderCodeSql(alias: string, scope: ComputeScope): Sql {
  return sql`COALESCE(${pythonFieldSql(scope.env, scope.env.registry.model('account.account')!, 'code', alias) ?? sql`NULL`}, (
      SELECT ${sql.ref(`${alias}.code_store`)} ->> split_part(c.parent_path, '/', 1) || ' (' || c.name || ')'
        FROM account_account_res_company_rel rel JOIN res_company c ON c.id = rel.res_company_id
       WHERE rel.account_account_id = ${sql.ref(`${alias}.id`)}
         AND rel.res_company_id IN (SELECT cid FROM res_company_users_rel WHERE user_id = ${sql.lit(scope.uid)})
       ORDER BY rel.res_company_id LIMIT 1))`;
}
