import { sql } from 'kysely';
import { fieldSql } from '../domain/field-sql.ts';
import type { SearchEnv, Sql } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';

/** ir.ui.menu `_get_full_name(level)`: `parent._get_full_name(level - 1) + "/" + (name or "")`, the root's bare name. */
export function menuFullName(env: SearchEnv, model: ModelInfo, alias: string, level = 6): Sql {
  if (level <= 0) return sql`'...'`;
  const name = fieldSql(env, model.fields.get('name')!, alias);
  const parent = `${alias}_up${level}`;
  return sql`CASE WHEN ${sql.ref(`${alias}.parent_id`)} IS NULL THEN ${name}
    ELSE (SELECT ${menuFullName(env, model, parent, level - 1)} FROM ir_ui_menu ${sql.table(parent)} WHERE ${sql.ref(`${parent}.id`)} = ${sql.ref(`${alias}.parent_id`)}) || '/' || COALESCE(${name}, '') END`;
}
