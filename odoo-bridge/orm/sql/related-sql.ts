import { sql } from 'kysely';
import { fieldSql } from '../domain/field-sql.ts';
import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';
import { hasPythonFieldSql, hasPythonGroupby } from './python-field-sql.ts';
import { nextAlias, type SearchEnv, type Sql } from '../domain/search-env.ts';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';

/**
 * Odoo 18's `_traverse_related_sql` (models.py): a non-stored related field (sudo by default, so
 * every one a client meets) has SQL when each hop of its path but the last is a many2one; its
 * value is the last field's, on the comodel reached through LEFT JOINs. That makes such fields
 * sortable and groupable (fields.py `_description_sortable` / `_description_groupable`) and lets
 * `order` and `read_group` use them.
 */
export interface RelatedTarget {
  model: ModelInfo;
  field: FieldInfo;
  /** The many2one hops, in order, each on the model before it. */
  hops: Array<{ model: ModelInfo; field: FieldInfo }>;
}

/** Where a non-stored related field's SQL lives, or undefined when `_field_to_sql` would raise. */
export function relatedTarget(registry: Registry, model: ModelInfo, field: FieldInfo, depth = 0): RelatedTarget | undefined {
  if (!field.related || field.store || depth > 8) return undefined;
  // Computed fields Ficus reads through a path (COMPUTED_AS_RELATED) are not related in Odoo.
  if (COMPUTED_AS_RELATED[`${model.name}.${field.name}`] === field.related) return undefined;
  const path = field.related.split('.');
  const hops: RelatedTarget['hops'] = [];
  let current = model;
  for (const name of path.slice(0, -1)) {
    const hop = current.fields.get(name);
    if (!hop || hop.type !== 'many2one' || !hop.relation) return undefined;
    const next = registry.model(hop.relation);
    if (!next?.table) return undefined;
    // An abstract model's stored many2one has no column to join, but `_field_to_sql` accepts it.
    if (hop.column || (hop.store && !current.table)) hops.push({ model: current, field: hop });
    else {
      // An inherited or related many2one hop is itself traversed (`_field_to_sql` recurses).
      const inner = relatedTarget(registry, current, hop, depth + 1);
      if (!inner?.field.column) return undefined;
      hops.push(...inner.hops, { model: inner.model, field: inner.field });
    }
    current = next;
  }
  const last = current.fields.get(path[path.length - 1]!);
  if (!last) return undefined;
  if (!last.store && last.related) {
    const deeper = relatedTarget(registry, current, last, depth + 1);
    return deeper ? { model: deeper.model, field: deeper.field, hops: [...hops, ...deeper.hops] } : undefined;
  }
  return { model: current, field: last, hops };
}

/** The LEFT JOINs of `target`'s hops from `alias` (pushed onto `joins`); the alias of the last model. */
export function joinRelatedPath(env: SearchEnv, target: RelatedTarget, alias: string, joins: Sql[]): string {
  let current = alias;
  for (const { field } of target.hops) {
    const comodel = env.registry.model(field.relation!)!;
    const coalias = nextAlias(env, comodel);
    joins.push(sql`LEFT JOIN ${sql.table(comodel.table!)} AS ${sql.table(coalias)} ON ${fieldSql(env, field, current)} = ${sql.ref(`${coalias}.id`)}`);
    current = coalias;
  }
  return current;
}

/** `_field_to_sql` succeeds on the field (fields.py `_description_sortable`/`_description_groupable`). */
export function hasFieldSql(registry: Registry, model: ModelInfo, field: FieldInfo, viaRelated = false): { sortable: boolean; groupable: boolean } {
  // A stored field with a column type (an abstract model's too, though it has no table): the
  // shortcut of both descriptions. Reached through a related path, a properties field groups
  // only by one of its properties (`_read_group_groupby_properties`), so not as a whole.
  const columnType = field.type !== 'one2many' && field.type !== 'many2many' && !(field.type === 'binary' && field.attachment);
  if (field.store && (field.column || (columnType && !model.table))) return { sortable: true, groupable: !(viaRelated && field.type === 'properties') };
  if (field.store && field.type === 'many2many') return { sortable: false, groupable: true };
  if (hasPythonFieldSql(model, field.name)) return { sortable: true, groupable: true };
  // A `_read_group_groupby` override answers for the model's own field (an abstract mixin's too:
  // the description only builds the SQL), never through a related or `_inherits` path (`_field_to_sql` there).
  if (!viaRelated && !field.inheritedVia && (hasPythonGroupby(registry, model, field.name) || (!model.table && hasPythonGroupby(registry, { ...model, table: '-' } as ModelInfo, field.name)))) {
    return { sortable: false, groupable: true };
  }
  const target = relatedTarget(registry, model, field);
  if (!target) return { sortable: false, groupable: false };
  return hasFieldSql(registry, target.model, target.field, true);
}
