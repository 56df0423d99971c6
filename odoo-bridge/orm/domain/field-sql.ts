import { sql } from 'kysely';
import { guardedFieldSql } from '../access/field-guards.ts';
import type { FieldInfo, FieldType } from '../registry/types.ts';
import { columnRef } from '../sql/identifiers.ts';
import type { SearchEnv, Sql } from './search-env.ts';

/** PostgreSQL type a company-dependent value is cast to when read out of its jsonb column. */
const COMPANY_DEPENDENT_CAST: Partial<Record<FieldType, string>> = {
  many2one: 'int4', integer: 'int4', float: 'float8', monetary: 'float8', boolean: 'bool',
  date: 'date', datetime: 'timestamp', char: 'text', text: 'text', html: 'text', selection: 'text',
};

/**
 * The SQL value of a stored field, as Odoo's `_field_to_sql` gives it:
 * - translated jsonb: the context language, falling back to en_US;
 * - company-dependent jsonb (18): the value for env.company, cast to the field's type,
 *   falling back to the `ir_default` of that company (or the global one).
 */
export function fieldSql(env: SearchEnv, field: FieldInfo, alias: string): Sql {
  // A per-record guard a service declares (access/field-guards.ts) hides the value from this user.
  return guardedFieldSql(env, field, alias, storedFieldSql(env, field, alias));
}

function storedFieldSql(env: SearchEnv, field: FieldInfo, alias: string): Sql {
  const ref = columnRef(`${alias}.${field.column}`);
  if (field.translate) {
    return env.lang === 'en_US' ? sql`(${ref}->>'en_US')` : sql`COALESCE(${ref}->>${env.lang}::text, ${ref}->>'en_US')`;
  }
  if (field.companyDependent && field.columnType === 'jsonb') {
    const cast = sql.raw(COMPANY_DEPENDENT_CAST[field.type] ?? 'text');
    const company = String(env.companyId ?? 0);
    // ir_default.py `_get_field_column_fallbacks`: the superuser's `_get_model_defaults` in that
    // company (its own or no user, the company's or no company, no condition; the most specific,
    // then the oldest), read by the statement itself so an `ir.default.set` counts at once, as
    // Odoo's cache clearing makes it. Literals, not parameters: the same expression in SELECT and
    // GROUP BY must be the same text.
    // A fallback of 0, False or None is not applied (models.py `_field_to_sql`).
    const fallbackSql = sql`(SELECT NULLIF(NULLIF(NULLIF(d.json_value::jsonb, 'null'::jsonb), 'false'::jsonb), '0'::jsonb) FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id
      WHERE f.model = ${sql.lit(field.model)} AND f.name = ${sql.lit(field.name)} AND (d.user_id IS NULL OR d.user_id = 1)
        AND (d.company_id IS NULL OR d.company_id = ${sql.lit(Number(company))}) AND d.condition IS NULL
      ORDER BY d.user_id, d.company_id, d.id LIMIT 1)`;
    // The company's key holding JSON null (a value written False) is a value, not an absence: the
    // fallback only fills a missing key; `->> 0` then turns a JSON null into SQL NULL.
    return sql`((COALESCE(${ref}->${sql.lit(company)}, ${fallbackSql}))->>0)::${cast}`;
  }
  return ref;
}

/** The array type for `= ANY($1::type[])`, so a list is one parameter whatever its length. */
export function arrayCast(env: SearchEnv, field: FieldInfo): Sql {
  // Odoo's `IN (…)` takes the numbers as they are: one beyond int4 is compared as bigint (and matches nothing).
  if (field.name === 'id' || field.type === 'many2one' || field.columnType === 'integer') return sql.raw('int8[]');
  if (field.translate || field.companyDependent) return sql.raw(field.companyDependent ? `${COMPANY_DEPENDENT_CAST[field.type] ?? 'text'}[]` : 'text[]');
  const type = field.columnType ?? 'text';
  // format_type gives e.g. "character varying" / "numeric" / "timestamp without time zone".
  return sql.raw(`${type.replace(/\(.*\)$/, '')}[]`);
}
