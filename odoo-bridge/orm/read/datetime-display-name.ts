import { sql } from 'kysely';
import type { SearchEnv, Sql } from '../domain/search-env.ts';

/**
 * A Datetime `_rec_name` as BaseModel's display name shows it (fields.py
 * `Datetime.convert_to_display_name`: `Datetime.to_string(context_timestamp(record, value))`):
 * the UTC value moved to the context's `tz`, else the reader's, as 'YYYY-MM-DD HH:MM:SS'; a
 * zone pytz would not know (absent from PostgreSQL's list here) leaves the value in UTC, as
 * `context_timestamp` does when `pytz.timezone` raises. sale.report (`_rec_name = 'date'`) is one.
 */
export function datetimeDisplaySql(env: SearchEnv, value: Sql): Sql {
  const given = typeof env.context?.tz === 'string' && env.context.tz ? env.context.tz : null;
  const readerTz = env.uid === undefined ? sql`NULL::text` : sql`(SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${sql.lit(env.uid)})`;
  const zone = sql`(SELECT z.name FROM pg_timezone_names z WHERE z.name = COALESCE(NULLIF(${given}::text, ''), ${readerTz}))`;
  return sql`to_char(CASE WHEN ${zone} IS NULL THEN ${value} ELSE (${value} AT TIME ZONE 'UTC') AT TIME ZONE ${zone} END, 'YYYY-MM-DD HH24:MI:SS')`;
}
