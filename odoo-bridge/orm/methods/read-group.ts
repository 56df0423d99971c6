import { sql } from 'kysely';
import { explicitAnd } from '../domain/parse.ts';
import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { compileWhere, requireTable } from '../domain/compile.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import { displayNames } from '../read/read-records.ts';
import { convertColumn } from '../read/values.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import { NUMERIC_TYPES, type FieldInfo, type ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { orderToSql, parseOrder } from '../sql/order.ts';
import { limitOf, offsetOf, type MethodTable } from './method.ts';

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
const GRANULARITIES = new Set(['day', 'week', 'month', 'quarter', 'year', 'hour']);
const AGGREGATES: Record<string, string> = {
  sum: 'SUM', min: 'MIN', max: 'MAX', avg: 'AVG', count: 'COUNT', count_distinct: 'COUNT_DISTINCT',
  bool_and: 'BOOL_AND', bool_or: 'BOOL_OR', array_agg: 'ARRAY_AGG', recordset: 'ARRAY_AGG',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface GroupSpec {
  spec: string;
  field: FieldInfo;
  granularity: string | null;
  expr: Sql;
}

async function readGroup(ctx: CallContext, model: ModelInfo, domain: unknown, fields: unknown, groupbyArg: unknown, paging: { offset: number; limit: number | null; orderby: unknown; lazy: boolean }) {
  ctx.access.checkModel(model, 'read');
  const table = requireTable(model);
  const groupbyAll = (typeof groupbyArg === 'string' ? [groupbyArg] : Array.isArray(groupbyArg) ? groupbyArg : []).map(String);
  const groupby = paging.lazy && groupbyAll.length ? groupbyAll.slice(0, 1) : groupbyAll;
  const env = ctx.searchEnv();
  const alias = nextAlias(env, model);
  const specs: GroupSpec[] = groupby.map((spec) => {
    const [name, granularity = null] = spec.split(':') as [string, string?];
    const field = model.fields.get(name);
    if (!field) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
    if (!field.column) throw valueError(`Field ${model.name}.${name} is not stored and cannot be grouped on`);
    let expr = fieldSql(env, field, alias);
    const isDate = field.type === 'date' || field.type === 'datetime';
    const gran = isDate ? granularity ?? 'month' : null;
    if (gran) {
      if (!GRANULARITIES.has(gran)) throw valueError(`Invalid granularity ${gran}`);
      if (field.type === 'datetime' && ctx.tz) expr = sql`timezone(${ctx.tz}::text, timezone('UTC', ${expr}))`;
      // The granularity is whitelisted above; inlined so SELECT and GROUP BY are the same expression.
      expr = sql`date_trunc(${sql.lit(gran)}, ${expr}::timestamp)`;
    }
    return { spec: isDate ? `${name}:${gran}` : name, field, granularity: gran, expr };
  });

  const aggregates = new Map<string, Sql>();
  /** Aggregates Python computes as floats: any function of a float/monetary field, and avg of anything. */
  const floatAggregates = new Set<string>();
  for (const item of Array.isArray(fields) ? fields : []) {
    if (typeof item !== 'string' || item === '__count') continue;
    const m = /^(\w+)(?::(\w+)(?:\((\w+)\))?)?$/.exec(item.trim());
    if (!m) throw valueError(`Invalid field specification ${item}`);
    const [, aliasName, func, source] = m;
    const fname = source ?? aliasName!;
    const field = model.fields.get(fname);
    if (!field) throw valueError(`Invalid field '${fname}' on model '${model.name}'`);
    if (groupby.some((g) => g.split(':')[0] === fname) && !func) continue;
    const fn = func ?? (NUMERIC_TYPES.has(field.type) && fname !== 'id' ? 'sum' : null);
    if (!fn || !field.column) continue;
    const sqlFn = AGGREGATES[fn];
    if (!sqlFn) throw valueError(`Invalid aggregation function ${fn}`);
    const col = fieldSql(env, field, alias);
    aggregates.set(aliasName!, sqlFn === 'COUNT_DISTINCT' ? sql`COUNT(DISTINCT ${col})` : sql`${sql.raw(sqlFn)}(${col})`);
    if (!fn.startsWith('count') && (fn === 'avg' || field.type === 'float' || field.type === 'monetary')) floatAggregates.add(aliasName!);
  }

  const where = compileWhere(env, model, domain ?? [], alias);
  const joins: Sql[] = [];
  const orderTerms: Sql[] = [];
  const extraGroup: Sql[] = [];
  const orderSpec = typeof paging.orderby === 'string' && paging.orderby.trim() ? paging.orderby : specs.map((s) => s.spec).join(',');
  if (orderSpec) {
    for (const term of parseOrder(orderSpec)) {
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
    if (s.field.type !== 'many2one') continue;
    const comodel = ctx.registry.model(s.field.relation!)!;
    names.set(i, await displayNames(ctx.readEnv({ sudo: true }), comodel, rows.map((r) => r[`g${i}`] as number).filter(Boolean)));
  }
  const baseDomain = Array.isArray(domain) ? domain : [];
  return rows.map((row) => {
    const group: Record<string, unknown> = {};
    const leaves: unknown[][] = [];
    const ranges: Record<string, unknown> = {};
    specs.forEach((s, i) => {
      const raw = row[`g${i}`];
      const name = s.field.name;
      if (s.granularity) {
        if (raw === null || raw === undefined) {
          group[s.spec] = false;
          leaves.push([[name, '=', false]]);
          ranges[s.spec] = false;
        } else {
          const start = String(raw).slice(0, 19);
          const end = addPeriod(start, s.granularity);
          const fmt = (v: string) => (s.field.type === 'date' ? v.slice(0, 10) : v);
          group[s.spec] = dateLabel(start, s.granularity);
          leaves.push(['&', [name, '>=', fmt(start)], [name, '<', fmt(end)]]);
          ranges[s.spec] = { from: fmt(start), to: fmt(end) };
        }
      } else if (s.field.type === 'many2one') {
        group[s.spec] = raw === null || raw === undefined ? false : [raw, names.get(i)?.get(raw as number) ?? false];
        leaves.push([[name, '=', raw ?? false]]);
      } else {
        const value = convertColumn(s.field, raw);
        group[s.spec] = s.field.type === 'boolean' ? raw === true : value;
        leaves.push([[name, '=', s.field.type === 'boolean' ? raw === true : raw ?? false]]);
      }
    });
    if (paging.lazy && groupby.length) group[`${specs[0]!.field.name}_count`] = row.__count;
    else group.__count = row.__count;
    for (const name of aggregates.keys()) {
      const value = row[`a_${name}`];
      group[name] = value === null || value === undefined ? false : floatAggregates.has(name) ? pythonFloat(Number(value)) : value;
    }
    group.__domain = andDomains([baseDomain, ...leaves]);
    if (specs.some((s) => s.granularity)) group.__range = ranges;
    if (paging.lazy && groupbyAll.length > 1) group.__context = { group_by: groupbyAll.slice(1) };
    return group;
  });
}

/** Odoo's `expression.AND`: skip empty domains, prefix `&` for each extra domain. */
function andDomains(domains: unknown[][]): unknown[] {
  const nonEmpty = domains.filter((d) => d.length);
  const parts = nonEmpty.map(explicitAnd);
  return [...Array(Math.max(0, parts.length - 1)).fill('&'), ...parts.flat()];
}


function addPeriod(start: string, granularity: string): string {
  const d = new Date(start.replace(' ', 'T') + 'Z');
  switch (granularity) {
    case 'hour': d.setUTCHours(d.getUTCHours() + 1); break;
    case 'day': d.setUTCDate(d.getUTCDate() + 1); break;
    case 'week': d.setUTCDate(d.getUTCDate() + 7); break;
    case 'month': d.setUTCMonth(d.getUTCMonth() + 1); break;
    case 'quarter': d.setUTCMonth(d.getUTCMonth() + 3); break;
    case 'year': d.setUTCFullYear(d.getUTCFullYear() + 1); break;
  }
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Babel en_US labels Odoo uses per granularity. */
function dateLabel(start: string, granularity: string): string {
  const d = new Date(start.replace(' ', 'T') + 'Z');
  const y = d.getUTCFullYear();
  const month = MONTHS[d.getUTCMonth()]!;
  switch (granularity) {
    case 'year': return String(y);
    case 'quarter': return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${y}`;
    case 'month': return `${month} ${y}`;
    case 'week': return `W${isoWeek(d)} ${isoWeekYear(d)}`;
    case 'day': return `${String(d.getUTCDate()).padStart(2, '0')} ${month.slice(0, 3)} ${y}`;
    default: return `${String(d.getUTCHours()).padStart(2, '0')}:00 ${String(d.getUTCDate()).padStart(2, '0')} ${month.slice(0, 3)}`;
  }
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
  return Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86400000 + 1) / 7);
}
function isoWeekYear(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
  return t.getUTCFullYear();
}

export const READ_GROUP_METHODS: MethodTable = {
  read_group: {
    api: 'model',
    signature: {
      qualname: 'BaseModel.read_group',
      params: [{ name: 'domain' }, { name: 'fields' }, { name: 'groupby' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'orderby', default: false }, { name: 'lazy', default: true }],
    },
    run: (ctx, model, a) =>
      readGroup(ctx, model, a.domain, a.fields, a.groupby, { offset: offsetOf(a.offset), limit: limitOf(a.limit), orderby: a.orderby, lazy: a.lazy !== false && a.lazy !== 0 }),
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
      const limit = limitOf(a.limit);
      const offset = offsetOf(a.offset);
      const groups = await readGroup(ctx, model, a.domain, a.fields, a.groupby, { offset, limit, orderby: a.orderby, lazy });
      let length = groups.length + offset;
      if (limit && groups.length === limit) {
        length = (await readGroup(ctx, model, a.domain, [], a.groupby, { offset: 0, limit: null, orderby: false, lazy })).length;
      }
      return { groups, length };
    },
  },
};
