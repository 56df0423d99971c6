import { sql } from 'kysely';
import { userError, valueError } from '../../errors.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { checkFieldRead } from '../domain/field-read-checks.ts';
import { nextAlias, type SearchEnv, type Sql } from '../domain/search-env.ts';
import { pythonFieldJoins, pythonFieldSql } from './python-field-sql.ts';
import { joinRelatedPath, relatedTarget } from './related-sql.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';

/** Odoo's `regex_order` (models.py), one comma-separated term at a time. */
const TERM = /^\s*(?<field>[a-z0-9_]+|"[a-z0-9_]+")(?:\.(?<property>[a-z0-9_]+))?(?::(?<func>[a-z_]+))?(?:\s+(?<direction>desc|asc))?(?:\s+(?<nulls>nulls first|nulls last))?\s*$/i;

export interface OrderTerm {
  field: string;
  property: string | null;
  func: string | null;
  direction: 'ASC' | 'DESC' | '';
  nulls: 'NULLS FIRST' | 'NULLS LAST' | '';
}

/** `_check_qorder` + split: an invalid spec is a UserError quoting it, as in Odoo. */
export function parseOrder(spec: string): OrderTerm[] {
  const parts = spec.split(',');
  const terms: OrderTerm[] = [];
  for (const part of parts) {
    const m = TERM.exec(part);
    if (!m?.groups) {
      throw userError(
        `Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
      );
    }
    terms.push({
      field: m.groups.field!.replace(/"/g, ''),
      property: m.groups.property ?? null,
      func: m.groups.func ?? null,
      direction: (m.groups.direction?.toUpperCase() ?? '') as OrderTerm['direction'],
      nulls: (m.groups.nulls?.toUpperCase().replace(/\s+/, ' ') ?? '') as OrderTerm['nulls'],
    });
  }
  return terms;
}

/**
 * `_order_to_sql`: ORDER BY terms for `spec` on `model` under `alias`. Many2one terms order by
 * the comodel's own `_order` through a LEFT JOIN (pushed onto `joins`), reversed for DESC;
 * booleans order as `COALESCE(col, FALSE)`; translated fields by the context language;
 * a non-stored field is a ValueError unless it is related (joined) or has Python SQL.
 */
export function orderToSql(
  env: SearchEnv,
  model: ModelInfo,
  alias: string,
  spec: string,
  joins: Sql[],
  reverse = false,
  seen: ReadonlySet<string> = new Set(),
  /** false: bare expressions (for GROUP BY), no ASC/DESC/NULLS. */
  withDirection = true,
): Sql[] {
  const terms: Sql[] = [];
  for (const term of parseOrder(spec)) {
    let direction = term.direction;
    let nulls = term.nulls;
    if (reverse) {
      direction = direction === 'DESC' ? 'ASC' : 'DESC';
      if (nulls) nulls = nulls === 'NULLS FIRST' ? 'NULLS LAST' : 'NULLS FIRST';
    }
    terms.push(...fieldOrder(env, model, alias, term.field, term.property, direction, nulls, joins, seen, withDirection));
  }
  return terms;
}

function fieldOrder(
  env: SearchEnv,
  model: ModelInfo,
  alias: string,
  name: string,
  /** `field.property` of the term: a many2one's `.id` (its raw value) or a properties field's key. */
  property: string | null,
  direction: OrderTerm['direction'],
  nulls: OrderTerm['nulls'],
  joins: Sql[],
  seen: ReadonlySet<string>,
  withDirection: boolean,
): Sql[] {
  const field = model.fields.get(name);
  if (!field) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
  const tail = withDirection ? sql.raw(`${direction ? ' ' + direction : ''}${nulls ? ' ' + nulls : ''}`) : sql``;
  if (field.inheritedVia) {
    const fk = model.fields.get(field.inheritedVia)!;
    const parent = env.registry.model(fk.relation!)!;
    const parentAlias = nextAlias(env, parent);
    joins.push(sql`LEFT JOIN ${sql.table(parent.table!)} AS ${sql.table(parentAlias)} ON ${sql.ref(`${alias}.${fk.column}`)} = ${sql.ref(`${parentAlias}.id`)}`);
    return fieldOrder(env, parent, parentAlias, name, property, direction, nulls, joins, seen, withDirection);
  }
  if (property !== null && field.column) {
    // `_field_to_sql(alias, 'f.p')`: a properties field orders by the key's value, a many2one's
    // `.id` by its raw value; any other path is an invalid field.
    checkFieldRead(env, model, field);
    if (field.type === 'properties') return [sql`${fieldSql(env, field, alias)} -> ${sql.lit(property)}${tail}`];
    if (field.type === 'many2one' && property === 'id') return [sql`${fieldSql(env, field, alias)}${tail}`];
    throw valueError(`Invalid field '${name}.${property}' on model '${model.name}'`);
  }
  if (!field.column) {
    // A model's Python `_field_to_sql` may give a non-stored field SQL (account.account.code).
    const python = pythonFieldSql(env, model, name, alias);
    if (python) {
      joins.push(...pythonFieldJoins(env, model, name, alias));
      return [sql`${python}${tail}`];
    }
    // A non-stored related field orders by its target through LEFT JOINs (`_traverse_related_sql`).
    const target = relatedTarget(env.registry, model, field);
    if (!target) {
      // Odoo 18's `_field_to_sql` refuses what it cannot turn into SQL (older versions only warned).
      if (field.store) return [];
      throw valueError(notSqlMessage(env, model, field));
    }
    const targetAlias = joinRelatedPath(env, target, alias, joins);
    return fieldOrder(env, target.model, targetAlias, target.field.name, null, direction, nulls, joins, seen, withDirection);
  }
  if (field.type === 'many2one') {
    const key = `${model.name}.${name}`;
    if (seen.has(key)) return [];
    // `_order_field_to_sql` → `_field_to_sql`: the user must be allowed to read the field (groups=).
    checkFieldRead(env, model, field);
    const comodel = env.registry.model(field.relation ?? '');
    // `_field_to_sql`: a company-dependent many2one orders and joins by its value for env.company.
    const col = fieldSql(env, field, alias);
    if (!comodel?.table) return [sql`${col}${tail}`];
    let coorder = comodel.order;
    try {
      parseOrder(coorder);
    } catch {
      coorder = comodel.recName ?? 'id';
    }
    if (coorder === 'id') return [sql`${col}${tail}`];
    const terms: Sql[] = [];
    if (nulls === 'NULLS FIRST') terms.push(sql`${col} IS NOT NULL`);
    else if (nulls === 'NULLS LAST') terms.push(sql`${col} IS NULL`);
    const coalias = nextAlias(env, comodel);
    joins.push(sql`LEFT JOIN ${sql.table(comodel.table)} AS ${sql.table(coalias)} ON ${col} = ${sql.ref(`${coalias}.id`)}`);
    terms.push(...orderToSql(env, comodel, coalias, coorder, joins, direction === 'DESC', new Set([...seen, key]), withDirection));
    return terms;
  }
  checkFieldRead(env, model, field);
  let expr = fieldSql(env, field, alias);
  if (field.type === 'boolean') expr = sql`COALESCE(${expr}, FALSE)`;
  return [sql`${expr}${tail}`];
}

/**
 * `_field_to_sql`'s refusal (odoo/models.py 18.0): a related field whose path leaves many2ones
 * names the hop; any other non-stored field "is not stored".
 */
function notSqlMessage(env: SearchEnv, model: ModelInfo, field: FieldInfo): string {
  if (field.related && COMPUTED_AS_RELATED[`${model.name}.${field.name}`] !== field.related) {
    let current: ModelInfo | undefined = model;
    for (const hop of field.related.split('.').slice(0, -1)) {
      const hopField = current?.fields.get(hop);
      if (!hopField || hopField.type !== 'many2one') return `Cannot convert ${model.name}.${field.name} (related=${field.related}) to SQL because ${hop} is not a Many2one`;
      current = env.registry.model(hopField.relation ?? '');
    }
  }
  return `Cannot convert ${model.name}.${field.name} to SQL because it is not stored`;
}
