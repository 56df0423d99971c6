import { sql, type RawBuilder } from 'kysely';
import type { SearchEnv } from '../domain/search-env.ts';
import type { FieldInfo } from '../registry/types.ts';

/**
 * A per-record condition on reading one field, which the code declares beside the database's
 * rules (as DeclaredRecordRule does for whole records): a service closing a hole the monolith
 * leaves open at field level (content: a paid body only for its buyers, its author and staff).
 * Odoo has no such concept (field `groups=` are per user, not per record), so a declared guard
 * answers the field as if it were empty (`False`) on the records the user may read but not see
 * the field of; it never raises, so reads of whole records keep working for everybody.
 *
 * It is applied where the engine turns the field into SQL (domain/field-sql.ts, the one place
 * read, search_read, web_read, export_data, copy_data, read_group, order and domain leaves go
 * through), so a domain on the field (`('body', 'ilike', 'x')`), an order by it or a group by it
 * sees the same empty value: none of them can be used to learn the hidden text. Like the
 * field-groups check it is not applied inside record rules, sudo sub-searches or for the
 * superuser.
 */
export interface DeclaredFieldGuard {
  /** Shown in tests and logs. */
  readonly name: string;
  readonly model: string;
  readonly field: string;
  /**
   * The SQL condition under which user `uid` sees the value of the row aliased `alias` (a row of
   * the model's table). Literals only, no parameters: the same expression appears in SELECT and
   * GROUP BY, where PostgreSQL compares them as text.
   */
  shownWhen(alias: string, uid: number): RawBuilder<unknown>;
}

const declared = new Map<string, DeclaredFieldGuard>();

/** Adds guards for every engine of this process; declaring one for the same field again replaces it. */
let version = 0;

export function declareFieldGuards(guards: readonly DeclaredFieldGuard[]): void {
  for (const guard of guards) declared.set(`${guard.model}\0${guard.field}`, guard);
  version += 1;
}

/** Changes whenever guards are declared: SQL compiled before then (domain/compiled-searches.ts) lacks them. */
export function fieldGuardsVersion(): number {
  return version;
}

/** The declared guards, in declaration order. */
export function declaredFieldGuards(): readonly DeclaredFieldGuard[] {
  return [...declared.values()];
}

/**
 * `value` (the field's SQL on `alias`) as the searching user may see it: NULL where a declared
 * guard hides it. Users' own searches only (the env the call context builds carries the field
 * checks; sudo searches, rule domains and the superuser's do not).
 */
export function guardedFieldSql(env: SearchEnv, field: FieldInfo, alias: string, value: RawBuilder<unknown>): RawBuilder<unknown> {
  if (!declared.size) return value;
  const guard = declared.get(`${field.model}\0${field.name}`);
  if (!guard || env.uid === undefined || !env.checkFieldRead || env.insideRule || env.sudoDepth) return value;
  return sql`(CASE WHEN ${guard.shownWhen(alias, env.uid)} THEN ${value} END)`;
}
