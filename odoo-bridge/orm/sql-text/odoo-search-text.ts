import type { ModelInfo, Registry } from '../registry/types.ts';
import { parseOrder } from '../sql/order.ts';
import { appendOdooWhere, type ParentOfIds } from './odoo-where-text.ts';
import { pyNumberLiteral, StatementText } from './statement-text.ts';

/**
 * The statement Odoo 18 runs for `_search` (odoo/tools/query.py `Query.select`, models.py
 * `_search`, `_order_to_sql`), as text, with the call's values interpolated as psycopg2 does:
 *
 * - `search`: `SELECT "t"."id" FROM "t"[ joins] WHERE … ORDER BY … LIMIT … OFFSET …`
 *   (search_fetch with no field: `_fetch_query` selects only the id);
 * - `fetch` (search_read, search_fetch with fields): the same, its column list opaque;
 * - `count` (`search_count`): `SELECT COUNT(*) FROM "t" WHERE …`, or with a limit
 *   `SELECT COUNT(*) FROM (SELECT  FROM "t" WHERE … LIMIT …) t` (Query.__len__);
 * - `group` (`_read_group`): its column list (ending with `COUNT(*)` when no other aggregate
 *   follows read_group's `__count`), then `FROM "t"`, the LEFT JOINs its order may add
 *   (opaque, `groupJoins`), the WHERE, ` GROUP BY ` (opaque), read_group's ORDER BY when it
 *   orders by its groupby, LIMIT/OFFSET.
 *
 * Null when the WHERE cannot be written (odoo-where-text.ts).
 */
export interface OdooSearchCall {
  readonly registry: Registry;
  readonly model: ModelInfo;
  readonly select: 'search' | 'fetch' | 'count' | 'group';
  /** `group`: whether the grouping or its order may join other tables before the WHERE. */
  readonly groupJoins?: boolean;
  /** `group`: whether `COUNT(*)` (read_group's `__count`, first aggregate) ends the column list. */
  readonly countLast?: boolean;
  /** `group`: read_group's groupby specs (its order when no `orderby` is given). */
  readonly groupOrder?: readonly string[];
  /** `group`: the `orderby` given, if any. */
  readonly groupOrderBy?: string;
  readonly domain: unknown;
  readonly activeTest: boolean;
  readonly lang: string;
  /** The user's record rules on the model (access engine), or null when none apply. */
  readonly ruleDomain: readonly unknown[] | null;
  /** The parent ids a rule's `parent_of` leaf expands to (odoo-where-text.ts `ParentOfIds`). */
  readonly parentOf?: ParentOfIds;
  /** The `order` spec (the model's `_order` when none given); ignored for `count`. */
  readonly order: string | null;
  /** `limit` and `offset` as the client gave them. */
  readonly limit: unknown;
  readonly offset: unknown;
}

export function odooSearchText(call: OdooSearchCall): StatementText | null {
  const { model } = call;
  if (!model.table) return null;
  const table = `"${model.table}"`;
  const paged = pyTruthyPaging(call.limit) || pyTruthyPaging(call.offset);
  const out = new StatementText();
  if (call.select === 'count') out.append(paged ? `SELECT COUNT(*) FROM (SELECT  FROM ${table}` : `SELECT COUNT(*) FROM ${table}`);
  else if (call.select === 'search') out.append(`SELECT ${table}."id" FROM ${table}`);
  else if (call.select === 'group' && call.countLast) out.opaque().append(`COUNT(*) FROM ${table}`);
  else out.opaque().append(` FROM ${table}`);
  if (call.select === 'group') {
    if (call.groupJoins) out.opaque();
    if (!appendOdooWhere(out, model, call.domain, call.activeTest, call.ruleDomain, call.parentOf)) return null;
    // read_group orders by its groupby; GROUP BY holds the groupby terms, and the expressions of a
    // many2one's comodel order when it is ordered through it (then opaque here).
    const groupOrder = call.groupOrder ? groupOrderOf(call, model.table, call.groupOrder) : undefined;
    out.append(' GROUP BY ');
    if (groupOrder?.groupBy) out.append(groupOrder.groupBy);
    else out.opaque();
    if (groupOrder === undefined) return pyTruthyPaging(call.limit) || pyTruthyPaging(call.offset) ? null : out;
    out.append(` ORDER BY ${groupOrder.terms.join(', ')}`);
    return appendPaging(out, call) ? out : null;
  }
  const order = call.select === 'count' ? null : orderText(call, model.table);
  if (order === undefined) return null;
  if (order?.joins) out.opaque();
  if (!appendOdooWhere(out, model, call.domain, call.activeTest, call.ruleDomain, call.parentOf)) return null;
  if (order?.text) out.append(` ORDER BY ${order.text}`);
  if (!appendPaging(out, call)) return null;
  if (call.select === 'count' && paged) out.append(') t');
  return out;
}

/** ` LIMIT …`/` OFFSET …` when truthy, as psycopg2 interpolates them; false for a value it would not write plainly. */
function appendPaging(out: StatementText, call: OdooSearchCall): boolean {
  for (const [keyword, value] of [['LIMIT', call.limit], ['OFFSET', call.offset]] as const) {
    if (!pyTruthyPaging(value)) continue;
    out.append(` ${keyword} `);
    if (typeof value === 'string') out.literal(value, 'bigint');
    else if (typeof value === 'number') out.append(pyNumberLiteral(value, !Number.isInteger(value)));
    else if (value === true) out.append('true');
    else return false;
  }
  offsetBeforeLimit(out);
  return true;
}

/**
 * read_group's ORDER BY for its groupby specs (`_read_group_orderby` with read_group's order,
 * the groupby specs joined, `ASC` by default): a many2one whose comodel has an order is ordered
 * by it (`_order_to_sql`, joined under `<table>__<field>`, its expressions added to GROUP BY),
 * any other field by its groupby term (a boolean's `COALESCE(…, FALSE)`). `groupBy`: the GROUP BY
 * text when no comodel order added to it. Undefined for dates (read_group gives them a
 * granularity), related paths, translated or company-dependent fields.
 */
function groupOrderOf(call: OdooSearchCall, table: string, groupby: readonly string[]): { terms: string[]; groupBy: string | null } | undefined {
  const terms: string[] = [];
  const groupTerms: string[] = [];
  let traversed = false;
  // An explicit orderby whose terms are all groupby fields: `<field> [asc|desc] [nulls …]`, ASC by default.
  const ordered = call.groupOrderBy ? parseGroupOrder(call.groupOrderBy, groupby) : groupby.map((field) => ({ field, direction: 'ASC', nulls: '' }));
  if (!ordered) return undefined;
  for (const spec of groupby) {
    const field = call.model.fields.get(spec);
    if (!field || !field.store || !field.column || field.translate || field.companyDependent) return undefined;
    if (field.type === 'date' || field.type === 'datetime') return undefined;
    const column = `"${table}"."${field.column}"`;
    groupTerms.push(field.type === 'boolean' ? `COALESCE(${column}, FALSE)` : column);
  }
  for (const { field: spec, direction, nulls } of ordered) {
    const field = call.model.fields.get(spec);
    if (!field || !field.store || !field.column || field.translate || field.companyDependent) return undefined;
    if (field.type === 'date' || field.type === 'datetime') return undefined;
    const column = `"${table}"."${field.column}"`;
    const term = field.type === 'boolean' ? `COALESCE(${column}, FALSE)` : column;
    const comodel = field.type === 'many2one' && field.relation ? call.registry.models.get(field.relation) : undefined;
    if (field.type === 'many2one' && !comodel) return undefined;
    if (comodel && comodel.order !== 'id') {
      const sub = orderTerms(call, call.model, table, `${spec} ${direction} ${nulls}`, false, { joins: false }, new Set());
      if (sub === undefined) return undefined;
      terms.push(...sub);
      traversed = true;
    } else terms.push(`${term} ${direction} ${nulls}`);
  }
  return { terms, groupBy: traversed ? null : groupTerms.join(', ') };
}

/** read_group's `orderby` when each term names one of its groupby fields (else undefined: an aggregate's text is not written here). */
function parseGroupOrder(orderby: string, groupby: readonly string[]): Array<{ field: string; direction: string; nulls: string }> | undefined {
  const terms = [];
  for (const part of orderby.split(',')) {
    const match = /^\s*([a-z0-9_]+)(?:\s+(asc|desc))?(?:\s+(nulls first|nulls last))?\s*$/i.exec(part);
    if (!match || !groupby.includes(match[1]!)) return undefined;
    terms.push({ field: match[1]!, direction: (match[2] ?? 'ASC').toUpperCase(), nulls: (match[3] ?? '').toUpperCase().replace(/\s+/, ' ') });
  }
  return terms;
}

/** LIMIT's and OFFSET's literals come last in the text, but parse analysis reads OFFSET first (transformLimitClause). */
function offsetBeforeLimit(out: StatementText): void {
  const paging = out.literals.filter((literal) => literal.pgType === 'bigint');
  if (paging.length !== 2) return;
  const [limit, offset] = paging as [typeof paging[0], typeof paging[0]];
  const at = out.literals.indexOf(limit);
  out.literals.splice(at, 2, offset, limit);
}

/** Python truthiness of a `limit`/`offset` argument (`if self.limit:`). */
function pyTruthyPaging(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === '' || (Array.isArray(value) && !value.length));
}

/**
 * `_order_to_sql`: `<expr> <ASC|DESC|> <NULLS …|>` per term, joined by `, `; booleans as
 * `COALESCE(…, FALSE)`, translated fields by the language (en_US alone, else the language then
 * en_US), many2one by the comodel's order through a LEFT JOIN aliased `<alias>__<field>` (its
 * join text opaque). Undefined when a term cannot be written exactly.
 */
function orderText(call: OdooSearchCall, table: string): { text: string; joins: boolean } | undefined | null {
  const spec = call.order ?? call.model.order;
  if (!spec) return null;
  const state = { joins: false };
  const terms = orderTerms(call, call.model, table, spec, false, state, new Set());
  return terms === undefined ? undefined : { text: terms.join(', '), joins: state.joins };
}

function orderTerms(call: OdooSearchCall, model: ModelInfo, alias: string, spec: string, reverse: boolean, state: { joins: boolean }, seen: ReadonlySet<string>): string[] | undefined {
  let parsed;
  try {
    parsed = parseOrder(spec);
  } catch {
    return undefined;
  }
  const terms: string[] = [];
  for (const term of parsed) {
    let direction: string = term.direction;
    let nulls: string = term.nulls;
    if (reverse) {
      direction = direction === 'DESC' ? 'ASC' : 'DESC';
      if (nulls) nulls = nulls === 'NULLS FIRST' ? 'NULLS LAST' : 'NULLS FIRST';
    }
    if (term.func) return undefined;
    const field = model.fields.get(term.field);
    if (!field) return undefined;
    const column = `"${alias}"."${term.field}"`;
    if (term.field === 'id') {
      terms.push(`${column} ${direction} ${nulls}`);
      continue;
    }
    if (!field.column || !field.store || field.companyDependent) return undefined;
    if (field.type === 'many2one') {
      const key = `${model.name}.${field.name}`;
      if (seen.has(key)) continue;
      const comodel = field.relation ? call.registry.models.get(field.relation) : undefined;
      if (!comodel) return undefined;
      const coorder = term.property === 'id' ? 'id' : comodel.order;
      if (term.property && term.property !== 'id') return undefined;
      if (coorder === 'id') {
        terms.push(`${column} ${direction} ${nulls}`);
        continue;
      }
      const parts: string[] = [];
      if (nulls === 'NULLS FIRST') parts.push(`${column} IS NOT NULL`);
      else if (nulls === 'NULLS LAST') parts.push(`${column} IS NULL`);
      const coalias = `${alias}__${term.field}`;
      if (coalias.length > 63) return undefined;
      state.joins = true;
      const sub = orderTerms(call, comodel, coalias, coorder, direction === 'DESC', state, new Set([...seen, key]));
      if (sub === undefined) return undefined;
      if (sub.length) parts.push(sub.join(', '));
      if (parts.length) terms.push(parts.join(', '));
      continue;
    }
    if (term.property) return undefined;
    let expression = column;
    if (field.translate) {
      const langs = call.lang === 'en_US' ? ['en_US'] : [call.lang, 'en_US'];
      const each = langs.map((lang) => `${column}->>'${lang}'`);
      expression = each.length === 1 ? each[0]! : `COALESCE(${each.join(', ')})`;
    } else if (field.type === 'boolean') expression = `COALESCE(${column}, FALSE)`;
    terms.push(`${expression} ${direction} ${nulls}`);
  }
  return terms;
}

