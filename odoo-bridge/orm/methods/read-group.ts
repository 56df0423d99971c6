import type { Queryable } from '../sql/execute.ts';
import { sql } from 'kysely';
import { explicitAnd } from '../domain/parse.ts';
import { pythonFieldSql, pythonGroupbySql } from '../sql/python-field-sql.ts';
import { joinRelatedPath, relatedTarget } from '../sql/related-sql.ts';
import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { assertHierarchySeedsExist, assertSeedsBeforeError, noteCompileError } from '../domain/hierarchy-seeds.ts';
import { assertNoRefusedIds } from '../domain/x2many-boolean-ids.ts';
import { compileWhere, relationOf, requireTable } from '../domain/compile.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { checkFieldRead } from '../domain/field-read-checks.ts';
import { nextAlias, type SearchEnv, type Sql } from '../domain/search-env.ts';
import { bucketEnd, bucketLabel, bucketSql, checkGranularity, dateGroupingEnv, localToUtc, TIME_GRANULARITIES, type DateGroupingEnv } from './read-group-dates.ts';
import { displayNames } from '../read/read-records.ts';
import { vouchRuled } from '../read/read-env.ts';
import { mailMessageSearch } from './mail-message-search.ts';
import { mailActivitySearch } from './mail-activity-search.ts';
import { convertColumn } from '../read/values.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import { NUMERIC_TYPES, type FieldInfo, type ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { orderToSql, parseOrder, type OrderTerm } from '../sql/order.ts';
import { pythonRepr } from '../../wire/xmlrpc/python-repr.ts';
import type { MethodTable } from './method.ts';
import { OdooError } from '../../errors.ts';
import { assertOdooSearchValues, pagingOf, type ClientPaging } from '../sql-text/search-values.ts';

/**
 * `read_group` / `web_read_group` with Odoo 18 semantics: lazy grouping (first groupby only,
 * `<field>_count` and `__context.group_by` for the rest), date granularities with labels,
 * `__range` and `__domain` (the input domain ANDed with the group's condition), aggregates
 * `field`, `field:agg`, `alias:agg(field)`, `__count`, ordering by groupbys (many2one by the
 * comodel's order) or by aggregates.
 *
 * Not reproduced: `group_expand` (empty groups / `__fold`), field-level default aggregators
 * that differ from Odoo's type defaults (numbers sum, others none), timezone-less labels are
 * English (babel en_US patterns).
 */
const AGGREGATES: Record<string, string> = {
  sum: 'SUM', min: 'MIN', max: 'MAX', avg: 'AVG', count: 'COUNT', count_distinct: 'COUNT_DISTINCT',
  bool_and: 'BOOL_AND', bool_or: 'BOOL_OR', array_agg: 'ARRAY_AGG', recordset: 'ARRAY_AGG',
};

interface GroupSpec {
  /** The groupby as the caller wrote it: the key of the group in the answer. */
  spec: string;
  field: FieldInfo;
  /** Time granularity (buckets with a label and a range), number granularity, or null. */
  granularity: string | null;
  expr: Sql;
}

async function readGroup(
  ctx: CallContext,
  model: ModelInfo,
  domain: unknown,
  fields: unknown,
  groupbyArg: unknown,
  /** `client`: limit/offset as sent, which PostgreSQL reads in Odoo's statement (sql-text/search-values.ts). */
  paging: { offset: number; limit: number | null; orderby: unknown; lazy: boolean; client?: ClientPaging },
) {
  ctx.access.checkModel(model, 'read');
  const table = requireTable(model);
  const groupbyAll = (typeof groupbyArg === 'string' ? [groupbyArg] : Array.isArray(groupbyArg) ? groupbyArg : []).map(String);
  const groupby = paging.lazy && groupbyAll.length ? groupbyAll.slice(0, 1) : groupbyAll;
  const env = ctx.searchEnv();
  const alias = nextAlias(env, model);
  const joins: Sql[] = [];
  // Groupby and aggregate fields the user must be allowed to read (`_field_to_sql` checks them
  // after `_search` compiled the domain; read_group validates the names before both).
  const readChecks: FieldInfo[] = [];
  let dates: DateGroupingEnv | null = null;
  const specs: GroupSpec[] = [];
  for (const spec of groupby) {
    const [name, granularity = null] = spec.split(':') as [string, string?];
    const field = model.fields.get(name);
    if (!field) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
    checkGranularity(spec, field, granularity);
    if (field.type === 'many2many') {
      // A non-stored related or `_inherits` many2many (res.users' category_id is its partner's) groups
      // by its target's relation, joined through the path (`_traverse_related_sql`).
      const related = field.store ? undefined : relatedTarget(env.registry, model, field);
      const expr = related?.field.store
        ? many2manyGroupJoin(env, related.model, joinRelatedPath(env, related, alias, joins), related.field, joins)
        : many2manyGroupJoin(env, model, alias, field, joins);
      specs.push({ spec, field, granularity: null, expr });
      continue;
    }
    // A model's Python `_field_to_sql` makes a non-stored field groupable (account.account.code).
    const python = field.column ? undefined : pythonGroupbySql(env, model, name, alias, ctx.context.tz as string | undefined) ?? pythonFieldSql(env, model, name, alias);
    // A non-stored related field groups by its target through LEFT JOINs (`_traverse_related_sql`).
    const related = field.column || python ? undefined : relatedTarget(env.registry, model, field);
    if (!field.column && !python && !related?.field.column) throw valueError(`Cannot convert ${model.name}.${name} to SQL because it is not stored`);
    if (field.column) readChecks.push(field);
    let expr = python ?? (related ? fieldSql(env, related.field, joinRelatedPath(env, related, alias, joins)) : fieldSql(env, field, alias));
    const gran = field.type === 'date' || field.type === 'datetime' ? granularity ?? 'month' : null;
    if (gran) {
      dates ??= await dateGroupingEnv(ctx.db, ctx.uid, ctx.context.lang, ctx.context.tz);
      expr = bucketSql(expr, field, gran, dates);
    } else if (field.type === 'boolean') expr = sql`COALESCE(${expr}, FALSE)`;
    specs.push({ spec, field, granularity: gran, expr });
  }

  const aggregates = new Map<string, Sql>();
  /** Aggregates Python computes as floats: any function of a float/monetary field, and avg of anything. */
  const floatAggregates = new Set<string>();
  /** array_agg of a float/monetary field: a list of Python floats. */
  const floatArrays = new Set<string>();
  /** array_agg aggregates: NULL (no rows) is `[]` (`_read_group_empty_value`). */
  const arrays = new Set<string>();
  for (const item of Array.isArray(fields) ? fields : []) {
    if (typeof item !== 'string' || item === '__count') continue;
    const m = /^(\w+)(?::(\w+)(?:\((\w+)\))?)?$/.exec(item.trim());
    if (!m) throw valueError(`Invalid field specification ${item}`);
    const [, aliasName, func, source] = m;
    const fname = source ?? aliasName!;
    const field = model.fields.get(fname);
    // With a function the spec reaches `_read_group_select`, whose message names the aggregate.
    if (!field) throw valueError(`Invalid field '${fname}' on model '${model.name}'${func ? ` for ${pythonRepr(`${fname}:${func}`)}.` : ''}`);
    if (groupby.some((g) => g.split(':')[0] === fname) && !func) continue;
    const fn = func ?? (NUMERIC_TYPES.has(field.type) && fname !== 'id' ? 'sum' : null);
    if (!fn || !field.column) continue;
    const sqlFn = AGGREGATES[fn];
    if (!sqlFn) throw valueError(`Invalid aggregation function ${fn}`);
    readChecks.push(field);
    const col = fieldSql(env, field, alias);
    // READ_GROUP_AGGREGATE: array_agg / recordset list the values in id order (`ARRAY_AGG(x ORDER BY id)`).
    const aggregate =
      sqlFn === 'COUNT_DISTINCT' ? sql`COUNT(DISTINCT ${col})`
      : sqlFn === 'ARRAY_AGG' ? sql`ARRAY_AGG(${col} ORDER BY ${sql.ref(`${alias}.id`)})`
      : sql`${sql.raw(sqlFn)}(${col})`;
    aggregates.set(aliasName!, aggregate);
    // A name given twice ('score:avg', 'score:max') is Odoo's dict key: the last spec wins, its type too.
    // Odoo reads every PostgreSQL numeric as a float (sql_db.py `undecimalize`): the sum of a bigint
    // column (sale.report's COUNT(*) `nbr`) is numeric, so a float.
    const floats = fn === 'avg' || field.type === 'float' || field.type === 'monetary' || (fn === 'sum' && field.columnType === 'bigint');
    floatAggregates.delete(aliasName!);
    floatArrays.delete(aliasName!);
    arrays.delete(aliasName!);
    if (fn === 'array_agg') arrays.add(aliasName!);
    if (sqlFn === 'ARRAY_AGG') {
      if (field.type === 'float' || field.type === 'monetary') floatArrays.add(aliasName!);
    } else if (!fn.startsWith('count') && floats) floatAggregates.add(aliasName!);
  }

  let where: Sql;
  try {
    where = compileWhere(env, model, domain ?? [], alias);
  } catch (error) {
    await assertSeedsBeforeError(ctx.db, noteCompileError(error, env));
    await reportWithOdooExcerpt(ctx.db, error, env, model, domain ?? [], groupby, paging.orderby, aggregates.size === 0);
    throw error;
  }
  if (paging.client) await assertOdooSearchValues(ctx.db, env, model, domain ?? [], 'group', null, paging.client, groupStatementShape(model, groupby, paging.orderby, aggregates.size === 0));
  await assertHierarchySeedsExist(ctx.db, env);
  assertNoRefusedIds(env);
  // `_read_group` searches through the model's `_search`: mail.message's keeps only the messages the user may see.
  // mail.activity's keeps the activities assigned to the user or on documents the user may access.
  if ((model.name === 'mail.message' || model.name === 'mail.activity') && !ctx.access.superuser) {
    const narrow = model.name === 'mail.message' ? mailMessageSearch : mailActivitySearch;
    where = (await narrow(ctx, model, vouchRuled({ kind: 'search', alias, where, joins: [], order: [], limit: null, offset: 0 }))).where;
  }
  for (const field of readChecks) checkFieldRead(env, model, field);
  const orderTerms: Sql[] = [];
  const extraGroup: Sql[] = [];
  const orderSpec = typeof paging.orderby === 'string' && paging.orderby.trim() ? paging.orderby : specs.map((s) => s.spec).join(',');
  if (orderSpec) {
    const orderParts = orderSpec.split(',').map((part) => part.trim());
    for (const [i, term] of parseOrder(orderSpec).entries()) {
      const dir = sql.raw(term.direction ? ` ${term.direction}` : '');
      const spec = specs.find((s) => s.spec === term.field || s.field.name === term.field);
      if (term.field === '__count') orderTerms.push(sql`COUNT(*)${dir}`);
      else if (aggregates.has(term.field) && !spec) orderTerms.push(sql`${aggregates.get(term.field)!}${dir}`);
      else if (spec && spec.field.type === 'many2one' && !spec.granularity) {
        const joinCount = joins.length;
        const terms = orderToSql(env, model, alias, `${spec.field.name}${term.direction ? ' ' + term.direction : ''}`, joins);
        orderTerms.push(...terms);
        // Same expressions without direction for GROUP BY; the joins were already added once.
        const scratch: Sql[] = [];
        const aliasSeq = env.aliasSeq;
        env.aliasSeq = aliasSeq - (joins.length - joinCount);
        extraGroup.push(...orderToSql(env, model, alias, spec.field.name, scratch, false, new Set(), false));
        env.aliasSeq = aliasSeq;
      } else if (spec) orderTerms.push(sql`${spec.expr}${dir}`);
      else orderTerms.push(sql`${orderAggregate(env, model, alias, term, orderParts[i]!)}${dir}`);
    }
  }

  const groupExprs = specs.map((s) => s.expr);
  const select = [
    ...specs.map((s, i) => sql`${s.expr} AS ${sql.ref(`g${i}`)}`),
    sql`COUNT(*)::int4 AS __count`,
    ...[...aggregates].map(([name, expr]) => sql`${expr} AS ${sql.ref(`a_${name}`)}`),
  ];
  const groupClause = groupExprs.length ? sql` GROUP BY ${sql.join([...groupExprs, ...extraGroup])}` : sql``;
  const rows = await run<Record<string, unknown>>(
    ctx.db,
    sql`SELECT ${sql.join(select)} FROM ${sql.table(table)} AS ${sql.table(alias)} ${sql.join(joins, sql` `)} WHERE ${where}${groupClause}${orderTerms.length ? sql` ORDER BY ${sql.join(orderTerms)}` : sql``}${paging.limit ? sql` LIMIT ${paging.limit}` : sql``}${paging.offset ? sql` OFFSET ${paging.offset}` : sql``}`,
  );

  const names = new Map<number, Map<number, string | false>>();
  for (const [i, s] of specs.entries()) {
    if (!groupsAsRecords(s.field)) continue;
    const comodel = s.field.name === 'id' ? model : ctx.registry.model(s.field.relation!)!;
    names.set(i, await displayNames(ctx.readEnv({ sudo: true }), comodel, rows.map((r) => r[`g${i}`] as number).filter(Boolean)));
  }
  // Datetime buckets in a tz: their bounds go back to UTC for `__range` and `__domain`.
  const utc = new Map<string, string>();
  if (dates?.tz) {
    const locals = specs.flatMap((s, i) =>
      s.field.type === 'datetime' && s.granularity && TIME_GRANULARITIES.has(s.granularity)
        ? rows.filter((r) => r[`g${i}`] !== null && r[`g${i}`] !== undefined).flatMap((r) => {
            const start = String(r[`g${i}`]).slice(0, 19);
            return [start, bucketEnd(start, s.granularity!)];
          })
        : [],
    );
    for (const [local, inUtc] of await localToUtc(ctx.db, dates.tz, locals)) utc.set(local, inUtc);
  }
  const baseDomain = Array.isArray(domain) ? domain : [];
  return rows.map((row) => {
    const group: Record<string, unknown> = {};
    const leaves: unknown[][] = [];
    let ranges: Record<string, unknown> | null = null;
    const aggregateValue = (name: string) => {
      const value = row[`a_${name}`];
      if (value === null || value === undefined) return arrays.has(name) ? [] : false;
      if (floatArrays.has(name) && Array.isArray(value)) return value.map((v) => (v === null ? null : pythonFloat(Number(v))));
      return floatAggregates.has(name) ? pythonFloat(Number(value)) : value;
    };
    specs.forEach((s, i) => {
      if (aggregates.has(s.spec)) {
        // Odoo's read_group zips the groupby keys, then the aggregates, into one dict: an aggregate
        // named as a groupby (`score:count` grouped by `score`) replaces the group's value, and
        // `_read_group_format_result` builds the group's __domain from that replaced value.
        const value = aggregateValue(s.spec);
        group[s.spec] = value;
        leaves.push([[s.field.name, '=', value]]);
        return;
      }
      const raw = row[`g${i}`];
      const name = s.field.name;
      const empty = raw === null || raw === undefined;
      if (specs.findIndex((other) => other.spec === s.spec) < i && !(empty && s.field.type === 'many2many')) {
        // The same groupby twice: `_read_group_format_result` formats the row's value in place, so its
        // second pass filters on the formatted value (`create_uid = [2, 'Administrator']`, a date's label).
        leaves.push([[name, '=', group[s.spec]]]);
        return;
      }
      if (s.granularity && !TIME_GRANULARITIES.has(s.granularity)) {
        // Number granularities: the number itself, filtered as `field.granularity = n`.
        group[s.spec] = empty ? false : Number(raw);
        leaves.push([[`${name}.${s.granularity}`, '=', empty ? false : Number(raw)]]);
      } else if (s.granularity) {
        ranges ??= {};
        if (empty) {
          group[s.spec] = false;
          leaves.push([[name, '=', false]]);
          ranges[s.spec] = false;
        } else {
          const localStart = String(raw).slice(0, s.field.type === 'date' ? 10 : 19);
          const localEnd = bucketEnd(localStart, s.granularity);
          const bound = (v: string) => (s.field.type === 'date' ? v.slice(0, 10) : dates?.tz ? utc.get(v) ?? v : v);
          const [from, to] = [bound(localStart), bound(localEnd)];
          group[s.spec] = bucketLabel(localStart, s.granularity, dates?.lang ?? 'en_US');
          leaves.push(['&', [name, '>=', from], [name, '<', to]]);
          ranges[s.spec] = { from, to };
        }
      } else if (groupsAsRecords(s.field)) {
        group[s.spec] = empty ? false : [raw, names.get(i)?.get(raw as number) ?? false];
        if (empty && s.field.type === 'many2many') {
          // The records without any related record: not in any of the other groups' values.
          leaves.push([[name, 'not in', rows.map((r) => r[`g${i}`]).filter((v) => v !== null && v !== undefined)]]);
        } else leaves.push([[name, '=', raw ?? false]]);
      } else {
        // A NULL group is False whatever the type (an integer's NULL is not read as 0 here).
        group[s.spec] = s.field.type === 'boolean' ? raw === true : empty ? false : convertColumn(s.field, raw);
        // The leaf holds the value as Python has it (a monetary's 405.0 is a float there too).
        leaves.push([[name, '=', group[s.spec]]]);
      }
    });
    if (paging.lazy && groupby.length) group[`${specs[0]!.field.name}_count`] = row.__count;
    else group.__count = row.__count;
    for (const name of aggregates.keys()) group[name] = aggregateValue(name);
    group.__domain = andDomains([baseDomain, ...leaves]);
    if (ranges) group.__range = ranges;
    if (paging.lazy && groupbyAll.length > 1) group.__context = { group_by: groupbyAll.slice(1) };
    return group;
  });
}

/**
 * Grouping by a many2many (models.py `_read_group_groupby`): a LEFT JOIN of the relation table,
 * restricted to the comodel records the user's rules let them see (archived ones included), so a
 * record counts once per related record and once under False when it has none.
 */
/** The relation aliases already joined into a statement's joins. */
const m2mJoinsOf = new WeakMap<Sql[], Set<string>>();

function many2manyGroupJoin(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, joins: Sql[]): Sql {
  if (!field.store) throw valueError(`Group by non-stored many2many field: '${field.name}'`);
  const rel = relationOf(field);
  const comodel = env.registry.model(field.relation ?? '');
  if (!comodel) throw valueError(`Invalid field '${field.name}' on model '${model.name}'`);
  const relAlias = `${alias}__${field.name}`.slice(0, 60);
  // The same many2many grouped twice is one join (Query.add_join of an alias it already has).
  const joined = m2mJoinsOf.get(joins) ?? new Set<string>();
  m2mJoinsOf.set(joins, joined);
  if (joined.has(relAlias)) return sql.ref(`${relAlias}.${rel.column2}`);
  joined.add(relAlias);
  const coAlias = nextAlias(env, comodel);
  const visible = compileWhere(env, comodel, [], coAlias, { activeTest: false });
  joins.push(sql`LEFT JOIN ${sql.table(rel.table)} AS ${sql.table(relAlias)} ON ${sql.ref(`${alias}.id`)} = ${sql.ref(`${relAlias}.${rel.column1}`)}
    AND ${sql.ref(`${relAlias}.${rel.column2}`)} IN (SELECT ${sql.ref(`${coAlias}.id`)} FROM ${sql.table(requireTable(comodel))} AS ${sql.table(coAlias)} WHERE ${visible})`);
  return sql.ref(`${relAlias}.${rel.column2}`);
}

/**
 * Groups whose value is a record, `(id, display_name)` in read_group's answer: relational fields and
 * `id` itself (models.py `_read_group_postprocess_groupby`: `field.relational or fname == 'id'`).
 */
function groupsAsRecords(field: FieldInfo): boolean {
  return field.type === 'many2one' || field.type === 'many2many' || field.name === 'id';
}

/** Odoo's `expression.AND`: skip empty domains, prefix `&` for each extra domain. */
function andDomains(domains: unknown[][]): unknown[] {
  const nonEmpty = domains.filter((d) => d.length);
  const parts = nonEmpty.map(explicitAnd);
  return [...Array(Math.max(0, parts.length - 1)).fill('&'), ...parts.flat()];
}


export const READ_GROUP_METHODS: MethodTable = {
  read_group: {
    api: 'model',
    signature: {
      qualname: 'BaseModel.read_group',
      params: [{ name: 'domain' }, { name: 'fields' }, { name: 'groupby' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'orderby', default: false }, { name: 'lazy', default: true }],
    },
    run: (ctx, model, a) => {
      const client = { limit: a.limit, offset: a.offset };
      return readGroup(ctx, model, a.domain, a.fields, a.groupby, { ...pagingOf(client), orderby: a.orderby, lazy: a.lazy !== false && a.lazy !== 0, client });
    },
  },
  web_read_group: {
    api: 'model',
    signature: {
      qualname: 'Base.web_read_group',
      params: [
        { name: 'domain' }, { name: 'fields' }, { name: 'groupby' }, { name: 'limit', default: null }, { name: 'offset', default: 0 },
        { name: 'orderby', default: false }, { name: 'lazy', default: true }, { name: 'expand', default: false },
        { name: 'expand_limit', default: null }, { name: 'expand_orderby', default: false },
      ],
    },
    async run(ctx, model, a) {
      const lazy = a.lazy !== false && a.lazy !== 0;
      const client = { limit: a.limit, offset: a.offset };
      const { limit, offset } = pagingOf(client);
      const groups = await readGroup(ctx, model, a.domain, a.fields, a.groupby, { offset, limit, orderby: a.orderby, lazy, client });
      let length = groups.length + offset;
      if (limit && groups.length === limit) {
        length = (await readGroup(ctx, model, a.domain, [], a.groupby, { offset: 0, limit: null, orderby: false, lazy })).length;
      }
      return { groups, length };
    },
  },
};

/**
 * An order term that is neither a groupby nor a requested aggregate (`_read_group_orderby` →
 * `_read_group_select`, odoo/models.py 18.0): `field:func` orders by that aggregate; anything
 * else is refused naming the term.
 */
function orderAggregate(env: SearchEnv, model: ModelInfo, alias: string, term: OrderTerm, part: string): Sql {
  const refused = () => valueError(`Order term ${pythonRepr(part)} is not a valid aggregate nor valid groupby`);
  const field = model.fields.get(term.field);
  const sqlFn = term.func ? AGGREGATES[term.func] : undefined;
  if (!field || !sqlFn || term.property || !field.column || sqlFn === 'ARRAY_AGG') throw refused();
  checkFieldRead(env, model, field);
  const col = fieldSql(env, field, alias);
  return sqlFn === 'COUNT_DISTINCT' ? sql`COUNT(DISTINCT ${col})` : sql`${sql.raw(sqlFn)}(${col})`;
}

/**
 * A domain value PostgreSQL refuses in `_read_group`'s statement (an id that is no integer):
 * the same psycopg2 error with Odoo's excerpt (sql-text/search-values.ts). Its FROM may hold the
 * LEFT JOINs of a many2one or dotted grouping, or of an explicit order: their text is opaque.
 */
async function reportWithOdooExcerpt(
  db: Queryable,
  error: unknown,
  env: SearchEnv,
  model: ModelInfo,
  domain: unknown,
  groupby: readonly string[],
  orderby: unknown,
  /** No aggregate but read_group's `__count`: the column list ends with `COUNT(*)`. */
  countLast: boolean,
): Promise<void> {
  if (!(error instanceof OdooError) || !error.exceptionName.startsWith('psycopg2.errors.')) return;
  await assertOdooSearchValues(db, env, model, domain, 'group', null, {}, groupStatementShape(model, groupby, orderby, countLast));
}

/** What of `_read_group`'s statement is known: joins possible before the WHERE, `COUNT(*)` last, its groupby and orderby. */
function groupStatementShape(model: ModelInfo, groupby: readonly string[], orderby: unknown, countLast: boolean): { joins: boolean; countLast: boolean; groupby: readonly string[]; orderby?: string } {
  const ordered = typeof orderby === 'string' && orderby.trim() !== '';
  const joins = ordered || groupby.some((spec) => {
    const name = spec.split(':')[0]!;
    return name.includes('.') || model.fields.get(name)?.type === 'many2one';
  });
  return { joins, countLast, groupby, ...(ordered ? { orderby: orderby as string } : {}) };
}
