import { sql } from 'kysely';
import { missingBehaviour, OdooError, valueError } from '../../errors.ts';
import { x2manyDomains } from '../registry/python-field-facts.ts';
import { pythonSearchFields } from '../registry/python-model-facts.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { fieldSql } from './field-sql.ts';
import { asSudo, checkFieldRead } from './field-read-checks.ts';
import { isAutoJoin } from './auto-join.ts';
import {
  buildTree,
  checkDomainShape,
  isPlainlyFalse,
  NEGATIVE_OPERATORS,
  pyTruthy,
  withActiveLeaf,
  type DomainNode,
  type Operator,
} from './parse.ts';
import { ATTACHMENT_MODEL, attachmentAccessSql, withAttachmentFieldDefault } from './attachment-access.ts';
import { displayNameDomain } from './display-name-domains.ts';
import { keyErrorOf, scalarLeaf } from './scalar-leaf.ts';
import { conditionOverride } from './condition-overrides.ts';
import { analyticDistributionCondition } from './analytic-distribution-condition.ts';
import { searchDomainOverride } from './search-overrides.ts';
import { pyRepr, pyTuple } from './python-repr.ts';
import { noteTemporalLiteral } from './temporal-literals.ts';
import { domainSearchMethodOf, searchMethodOf, type SearchTools } from './search-methods.ts';
import { pythonFieldJoins, pythonFieldSql } from '../sql/python-field-sql.ts';
import { noteBooleanIds } from './x2many-boolean-ids.ts';
import { nextAlias, type SearchEnv, type Sql } from './search-env.ts';
import { compiledRuleSql } from './compiled-rules.ts';
import { cachedWhere } from './compiled-searches.ts';

/**
 * Odoo 18 domain → parameterised SQL condition (kysely `sql` fragments; values are always
 * parameters, identifiers come from the registry). Relational conditions become subqueries
 * (`IN (SELECT …)` / `EXISTS`), so the main statement needs no joins and stays one shape for
 * prepared statements.
 */

/** A set of record ids: literal ids (one array parameter) or a subquery selecting one column. */
export type IdSource = { kind: 'list'; ids: number[] } | { kind: 'query'; select: (column: string) => Sql };

export interface WhereOptions {
  /** Override of context.active_test (Odoo forces False in several sub-searches). */
  activeTest?: boolean;
  /** Sudo searches (child_of expansion, rule domains) skip record rules. */
  sudo?: boolean;
  /** An `auto_join` field's sub-search (auto-join.ts): no read right checked, no record rules, field checks kept. */
  bypassAccess?: boolean;
}

/**
 * `_search`'s WHERE for `model` under `alias`: validation, is_false short-circuit, automatic
 * active leaf, the domain itself, and the user's record rules.
 */
export function compileWhere(env: SearchEnv, model: ModelInfo, domain: unknown, alias: string, options: WhereOptions = {}): Sql {
  return cachedWhere(env, model, domain, alias, options, freshWhere);
}

/** compileWhere without the compiled-search cache (domain/compiled-searches.ts): what a replay must equal. */
export function freshWhere(env: SearchEnv, model: ModelInfo, domain: unknown, alias: string, options: WhereOptions = {}): Sql {
  if (options.sudo && env.checkFieldRead && !env.sudoDepth) return asSudo(env, () => compileWhere(env, model, domain, alias, options));
  const attachment = model.name === ATTACHMENT_MODEL && !env.insideRule;
  const shaped = attachment ? withAttachmentFieldDefault(checkDomainShape(domain)) : checkDomainShape(domain);
  // The model's own `_search` rewrites the domain it is given, not its rules (search-overrides.ts).
  const items = env.insideRule ? shaped : searchDomainOverride(env, model, shaped);
  if (isPlainlyFalse(items)) return sql`FALSE`;
  const withActive = withActiveLeaf(model, items, options.activeTest ?? env.activeTest);
  const tree = buildTree(env.registry, model, withActive);
  let condition = compileNode(env, model, alias, tree);
  const rules = options.sudo || options.bypassAccess || !env.ruleDomain ? null : env.ruleDomain(model);
  if (rules && rules.length) {
    const ruleEnv: SearchEnv = { ...env, ruleDomain: undefined, insideRule: true };
    const ruleSql = compiledRuleSql(ruleEnv, model.name, rules, alias, () => compileWhere(ruleEnv, model, rules, alias, { activeTest: false, sudo: true }));
    env.aliasSeq = ruleEnv.aliasSeq; // the rule's aliases are taken: later ones must not reuse them
    condition = sql`(${condition} AND ${ruleSql})`;
  }
  if (attachment && env.viewer && !options.sudo && !options.bypassAccess) {
    const linked = attachmentAccessSql(env, alias, (target, targetAlias) => compileWhere(env, target, [], targetAlias, { activeTest: false }));
    condition = sql`(${condition} AND ${linked})`;
  }
  return condition;
}

/** `comodel._search(domain)` as a subquery source: the model's read right first, as `_search` checks it. */
export function subSearch(env: SearchEnv, model: ModelInfo, domain: unknown, options: WhereOptions = {}): Extract<IdSource, { kind: 'query' }> {
  if (!options.sudo && !options.bypassAccess && !env.sudoDepth && !env.insideRule) env.checkModelRead?.(model);
  const table = requireTable(model);
  const alias = nextAlias(env, model);
  const where = compileWhere(env, model, domain, alias, options);
  return {
    kind: 'query',
    select: (column) => sql`SELECT ${sql.ref(`${alias}.${column}`)} FROM ${sql.table(table)} AS ${sql.table(alias)} WHERE ${where}`,
  };
}

export function requireTable(model: ModelInfo): string {
  // account_code_mapping.py: no rows (`_table_query = '0'`); its `_search` answers only
  // `[('account_id', 'in', ids), …]` (reading the one2many) and raises NotImplementedError for
  // any other domain, which is every domain a client's search reaches it with.
  if (model.name === 'account.code.mapping') throw new OdooError('builtins.NotImplementedError', '', { arguments: [] });
  if (!model.table) throw new OdooError('odoo.exceptions.UserError', `Model ${model.name} has no table to search.`);
  return model.table;
}

function idsIn(lhs: Sql, source: IdSource, negative = false): Sql {
  if (source.kind === 'list') {
    const ids = source.ids.filter((id) => Number.isInteger(id));
    if (!ids.length) return negative ? sql`TRUE` : sql`FALSE`;
    return negative ? sql`(${lhs} != ALL(${ids}::int4[]))` : sql`(${lhs} = ANY(${ids}::int4[]))`;
  }
  return negative ? sql`(${lhs} NOT IN (${source.select('id')}))` : sql`(${lhs} IN (${source.select('id')}))`;
}

function compileNode(env: SearchEnv, model: ModelInfo, alias: string, node: DomainNode): Sql {
  switch (node.kind) {
    case 'const':
      return node.value ? sql`TRUE` : sql`FALSE`;
    case 'and':
    case 'or': {
      // expression.py's parse pops its leaves from the end of the domain: when two leaves would
      // each raise (a KeyError and a ValueError, a MissingError of a child_of seed), the last one
      // is Odoo's error. The SQL keeps the domain's order.
      const compiled = [...node.children].reverse().map((c) => compileNode(env, model, alias, c)).reverse();
      return sql`(${sql.join(compiled, sql.raw(node.kind === 'and' ? ' AND ' : ' OR '))})`;
    }
    case 'not':
      return sql`(NOT ${compileNode(env, model, alias, node.child)})`;
    case 'any':
      return compileAny(env, model, alias, node.field, node.operator, node.sub);
    case 'leaf':
      return compileLeaf(env, model, alias, node.field, node.operator, node.value);
  }
}

/** READ_GROUP_NUMBER_GRANULARITY's keys (odoo/models.py), in Odoo's order for its message. */
const NUMBER_GRANULARITY_NAMES = ['year_number', 'quarter_number', 'month_number', 'iso_week_number', 'day_of_year', 'day_of_month', 'day_of_week', 'hour_number', 'minute_number', 'second_number'];

/**
 * A dotted path whose first field is not relational (_anyfy_leaves leaves it as it is) reaches
 * expression.py's parse with `path = left.split('.', 1)`: on a date/datetime field the rest is a
 * number granularity (anything else is ValueError); on another stored field the leaf falls through
 * to `_condition_to_sql`, whose sanity assert names the whole path (AssertionError).
 */
function dottedScalarPath(model: ModelInfo, name: string, operator: Operator, value: unknown): void {
  const [head, rest] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
  const field = model.fields.get(head);
  if (!field) return;
  if (field.type === 'date' || field.type === 'datetime') {
    if (!NUMBER_GRANULARITY_NAMES.includes(rest)) {
      throw valueError(
        `Error when processing the field '${model.name}.${head}', the granularity ${rest} is not supported. Only ${NUMBER_GRANULARITY_NAMES.join(', ')} are supported`,
      );
    }
    return;
  }
  if (field.store && field.type !== 'properties' && field.type !== 'many2one' && field.type !== 'one2many' && field.type !== 'many2many') {
    throw new OdooError('builtins.AssertionError', `Invalid field ${pyRepr(name)} in domain term ${pyTuple([name, operator, value])}`);
  }
}

function fieldOf(model: ModelInfo, name: string): FieldInfo {
  const field = model.fields.get(name);
  if (!field) throw valueError(`Invalid field ${model.name}.${name} in leaf`);
  return field;
}

/** A condition on an `_inherits` field runs on the parent row the delegation many2one points at. */
function onParent(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, build: (parent: ModelInfo, parentAlias: string) => Sql): Sql {
  const fk = fieldOf(model, field.inheritedVia!);
  const parent = env.registry.model(fk.relation!)!;
  const parentAlias = nextAlias(env, parent);
  const condition = build(parent, parentAlias);
  return sql`(${sql.ref(`${alias}.${fk.column}`)} IN (SELECT ${sql.ref(`${parentAlias}.id`)} FROM ${sql.table(requireTable(parent))} AS ${sql.table(parentAlias)} WHERE ${condition}))`;
}

/**
 * A condition on a non-stored computed field: its search method when Ficus has it
 * (search-methods.ts). Without one, Odoo logs and drops the leaf (TRUE) — but inside a record
 * rule that would grant rows the rule exists to hide, and the field may well have a search
 * method Ficus lacks, so there the leaf matches nothing.
 */
function unstoredLeaf(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, operator: Operator, value: unknown): Sql {
  const viaSql = pythonFieldSearch(env, model, alias, field, operator, value);
  if (viaSql) return viaSql;
  const method = searchMethodOf(env.registry, field);
  if (method) return method(env, model, alias, operator, value, sudoSearch, searchTools(env, model, alias));
  const rewrite = domainSearchMethodOf(model, field);
  if (rewrite) return compileNode(env, model, alias, buildTree(env.registry, model, rewrite(operator, value) as never[]));
  // The field has a Python `search=` method (addons' sources) Ficus does not have: matching every
  // record, as for a field without one, would be a made-up answer.
  if (pythonSearchFields(model.name, env.registry.modules).has(field.name)) {
    throw missingBehaviour(model.name, `a search on the computed field ${field.name} (its search method is in Python)`);
  }
  return env.insideRule ? sql`FALSE` : sql`TRUE`;
}

/**
 * account.account's `search=` methods, which compare the SQL of its `_field_to_sql` override
 * (sql/python-field-sql.ts): `_search_code` any operator on the root company's code (sudo),
 * `_search_placeholder_code` `=like` only, `_search_internal_group` `=`, `!=`, `in`, `not in`
 * (as `account_type =like '<group>%'`, the same rows as comparing the group). Other operators
 * raise as Odoo's do.
 */
function pythonFieldSearch(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, operator: Operator, value: unknown): Sql | undefined {
  const expression = pythonFieldSql(env, model, field.name, alias);
  if (!expression) return undefined;
  if (field.name === 'placeholder_code') {
    if (operator !== '=like') throw new OdooError('builtins.NotImplementedError', '', { arguments: [] });
    // `_search_placeholder_code` is `[('id', 'in', Query)]` of its own query on account_account,
    // which `_field_to_sql` INNER JOINs to the account's first company among the user's: an
    // account in none of them is never found, whatever its code.
    const inner = nextAlias(env, model);
    const joins = pythonFieldJoins(env, model, field.name, inner);
    const matches = scalarLeaf(env, field, pythonFieldSql(env, model, field.name, inner)!, operator, value, [field.name, operator, value]);
    return sql`(${sql.ref(`${alias}.id`)} IN (SELECT ${sql.ref(`${inner}.id`)} FROM ${sql.table(requireTable(model))} AS ${sql.table(inner)} ${sql.join(joins, sql` `)} WHERE ${matches}))`;
  }
  if (field.name === 'internal_group' && !['=', '!=', 'in', 'not in'].includes(operator)) throw new OdooError('odoo.exceptions.UserError', 'Operation not supported');
  return scalarLeaf(env, field, expression, operator, value, [field.name, operator, value]);
}

function searchTools(env: SearchEnv, model: ModelInfo, alias: string): SearchTools {
  return {
    userSearch: (e, m, domain, column) => subSearch(e, m, domain).select(column),
    leaf: (name, operator, value) => compileNode(env, model, alias, buildTree(env.registry, model, [[name, operator, value]] as never[])),
    idQuery: (value) => (isIdQuery(value) ? value.select : undefined),
  };
}

function sudoSearch(env: SearchEnv, model: ModelInfo, domain: unknown[], column: string): Sql {
  return subSearch(env, model, domain, { sudo: true, activeTest: false }).select(column);
}

/** Non-stored related fields are searched through their path (Odoo's `_search_related`). */
function viaRelatedPath(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, operator: string, value: unknown): Sql {
  // `_search_related` builds `[(first hop, 'in', <sudo search of the rest>)]`: only the first
  // hop reaches `_field_to_sql` as the user (an x2many hop never does).
  const path = field.related!.split('.');
  const tree = buildTree(env.registry, model, [[field.related!, operator, value]]);
  if (path.length === 1) return compileNode(env, model, alias, tree);
  const hop = model.fields.get(path[0]!);
  if (hop) checkLeafField(env, model, hop);
  // `any` on a related field is rewritten by expression.py before `_search_related` (which refuses it).
  if (operator === 'any' || operator === 'not any' || !relatedHopsAreSimple(env, model, path)) return asSudo(env, () => compileNode(env, model, alias, tree));
  // fields.py `_search_related`: the related value can be null when the leaf asks for null
  // (`= False`, `in [False]`) or negates a value (`!= v`, `not ilike v`): then each optional
  // many2one hop also matches when it is empty (`OR hop = False`), which a dotted path does not.
  const valueIsNull = Array.isArray(value) ? value.some((v) => v === false || v === null) : value === false || value === null;
  const canBeNull = NEGATIVE_OPERATORS.has(operator) ? !valueIsNull : valueIsNull;
  return asSudo(env, () => relatedHopSql(env, model, alias, path, operator, value, canBeNull));
}

/**
 * Every hop but the last a stored many2one of its own model (no `_inherits` hop). An x2many hop
 * keeps the dotted-path compilation, which applies the one2many's own domain (get_domain_list);
 * its membership never adds the null case anyway.
 */
function relatedHopsAreSimple(env: SearchEnv, model: ModelInfo, path: readonly string[]): boolean {
  let current: ModelInfo | undefined = model;
  for (const name of path.slice(0, -1)) {
    const hop: FieldInfo | undefined = current?.fields.get(name);
    if (!hop || hop.inheritedVia || !hop.store || hop.type !== 'many2one') return false;
    current = env.registry.model(hop.relation ?? '');
    if (!current?.table) return false;
  }
  return true;
}

/** `make_domain(path, model)` of `_search_related` as SQL: each hop `in` a search (archived included) of the rest. */
function relatedHopSql(env: SearchEnv, model: ModelInfo, alias: string, path: readonly string[], operator: string, value: unknown, canBeNull: boolean): Sql {
  if (path.length === 1) return compileNode(env, model, alias, buildTree(env.registry, model, [[path[0]!, operator, value]]));
  const hop = model.fields.get(path[0]!)!;
  const comodel = env.registry.model(hop.relation!)!;
  const ids: IdSource = {
    kind: 'query',
    select: (column) => {
      const inner = nextAlias(env, comodel);
      return sql`SELECT ${sql.ref(`${inner}.${column}`)} FROM ${sql.table(requireTable(comodel))} AS ${sql.table(inner)} WHERE ${relatedHopSql(env, comodel, inner, path.slice(1), operator, value, canBeNull)}`;
    },
  };
  const col = fieldSql(env, hop, alias);
  return canBeNull && !hop.required ? sql`(${idsIn(col, ids)} OR ${col} IS NULL)` : idsIn(col, ids);
}

/** The check `_field_to_sql` makes when a leaf on `field` becomes SQL: stored columns, on the `_inherits` parent for delegated fields. */
function checkLeafField(env: SearchEnv, model: ModelInfo, field: FieldInfo): void {
  if (field.inheritedVia) {
    const parent = env.registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
    const target = parent?.fields.get(field.name);
    if (parent && target) checkLeafField(env, parent, target);
  } else if (field.column && field.type !== 'one2many' && field.type !== 'many2many') {
    checkFieldRead(env, model, field);
  }
}

function compileAny(env: SearchEnv, model: ModelInfo, alias: string, name: string, operator: 'any' | 'not any', sub: unknown): Sql {
  const field = fieldOf(model, name);
  if (field.inheritedVia) return onParent(env, model, alias, field, (p, pa) => compileAny(env, p, pa, name, operator, sub));
  if (!field.store) {
    if (field.related) return viaRelatedPath(env, model, alias, field, operator, sub);
    if (field.type === 'many2one' && field.relation && searchMethodOf(env.registry, field)) {
      // expression.py: a many2one `any` is `(field, 'in', comodel._search(sub))` (as the user)
      // and `not any` `| (field, 'not in', …) (field, '=', False)`, before the non-stored
      // field's search method sees them. (The domain-rewriting methods take the subdomain
      // itself, which gives the same rows: `activity_ids any [user_id any sub]`.)
      const comodel = env.registry.model(field.relation);
      if (!comodel) throw keyErrorOf(field.relation);
      const ids = subSearch(env, comodel, sub);
      if (operator === 'any') return unstoredLeaf(env, model, alias, field, 'in', ids);
      return sql`(${unstoredLeaf(env, model, alias, field, 'not in', ids)} OR ${unstoredLeaf(env, model, alias, field, '=', false)})`;
    }
    return unstoredLeaf(env, model, alias, field, operator, sub);
  }
  const comodel = env.registry.model(field.relation ?? '');
  if (!comodel) throw keyErrorOf(String(field.relation));
  if (field.type === 'many2one') {
    checkFieldRead(env, model, field);
    const ids = subSearch(env, comodel, sub, { activeTest: false, bypassAccess: isAutoJoin(model, field) });
    const col = fieldSql(env, field, alias); // a company-dependent many2one is its jsonb value for env.company
    return operator === 'any' ? idsIn(col, ids) : sql`(${idsIn(col, ids, true)} OR ${col} IS NULL)`;
  }
  // expression.py: `domain = AND([field.get_domain_list(model), right])` before the comodel search.
  const fieldDomain = x2manyFieldDomain(env, model, field);
  const ids = subSearch(env, comodel, fieldDomain.length ? andDomains(fieldDomain, checkDomainShape(sub)) : sub, { bypassAccess: isAutoJoin(model, field) });
  return x2manyMembership(env, model, alias, field, comodel, operator === 'any' ? 'in' : 'not in', ids);
}

function compileLeaf(env: SearchEnv, model: ModelInfo, alias: string, name: string, operator: Operator, value: unknown): Sql {
  if (name.includes('.') && !model.fields.has(name)) dottedScalarPath(model, name, operator, value);
  const field = fieldOf(model, name);
  const leaf = [name, operator, value] as const;
  if (field.inheritedVia) return onParent(env, model, alias, field, (p, pa) => compileLeaf(env, p, pa, name, operator, value));

  if (name === 'id' && (operator === 'child_of' || operator === 'parent_of')) {
    return hierarchy(env, model, alias, 'id', operator, toIds(env, model, value), null);
  }
  // The engine's own sub-searches put an id query in a leaf (Odoo's `('id', 'in', Query)`); a
  // client's JSON cannot carry one (its select is a function).
  if (name === 'id' && (operator === 'in' || operator === 'not in') && isIdQuery(value)) {
    return idsIn(sql.ref(`${alias}.id`), value, operator === 'not in');
  }
  if (!field.store) {
    if (field.related) return viaRelatedPath(env, model, alias, field, operator, value);
    if (name === 'display_name') return compileDisplayNameSearch(env, model, alias, operator, value);
    return unstoredLeaf(env, model, alias, field, operator, value);
  }
  const comodel = field.relation ? env.registry.model(field.relation) : undefined;

  if (field.type === 'one2many' || field.type === 'many2many') {
    if (!comodel) throw keyErrorOf(String(field.relation));
    if (operator === 'child_of' || operator === 'parent_of') {
      const ids = toIds(env, comodel, value);
      // expression.py: a one2many to its own model is a hierarchy of the model itself with the
      // one2many as parent field (`HIERARCHY_FUNCS(op)('id', ids, comodel, parent=left)`): the
      // records are the descendants/ancestors, not the records holding them as lines.
      if (field.type === 'one2many' && comodel.name === model.name) return hierarchy(env, model, alias, 'id', operator, ids, name);
      const expanded = subSearch(env, comodel, [['id', 'in', hierarchyIds(env, comodel, operator, ids, null)]]);
      return x2manyMembership(env, model, alias, field, comodel, 'in', expanded);
    }
    // expression.py applies `field.get_domain_list(model)` (the Python domain, plus the model
    // condition of a Many2oneReference inverse) to names always, and to ids and `= False` only
    // when the one2many's inverse is an integer (a Many2oneReference): message_ids, activity_ids…
    const fieldDomain = x2manyFieldDomain(env, model, field);
    const intInverse = field.type === 'one2many' && INT_INVERSE_TYPES.has(comodel.fields.get(field.relationField ?? '')?.type ?? '');
    const negative = NEGATIVE_OPERATORS.has(operator);
    if (value === false) {
      if (intInverse && fieldDomain.length) return x2manyWithLinesInDomain(env, alias, field, comodel, fieldDomain, negative);
      return x2manyEmpty(env, model, alias, field, comodel, negative);
    }
    if (!(intInverse && fieldDomain.length)) noteBooleanIds(env, model, field, comodel, operator, value);
    let ids: IdSource;
    const op = negative ? 'not in' : 'in';
    if (typeof value === 'string') {
      const positive = (NEGATION_POSITIVE[operator] ?? operator) as Operator;
      ids = nameSearchIds(env, comodel, value, positive, fieldDomain);
    } else if (Array.isArray(value)) {
      ids = { kind: 'list', ids: value.filter((v): v is number => typeof v === 'number' && pyTruthy(v)) };
    } else {
      ids = { kind: 'list', ids: typeof value === 'number' && value ? [value] : [] };
    }
    if (intInverse && fieldDomain.length && typeof value !== 'string' && ids.kind === 'list' && ids.ids.length) {
      ids = subSearch(env, comodel, andDomains([['id', 'in', ids.ids]], fieldDomain));
    }
    return x2manyMembership(env, model, alias, field, comodel, op, ids);
  }

  if (field.type === 'many2one') {
    if (!comodel) throw keyErrorOf(String(field.relation));
    const col = fieldSql(env, field, alias); // a company-dependent many2one is its jsonb value for env.company
    // child_of on the model's own parent field becomes an `id` leaf in Odoo (no check of the field).
    if (!((operator === 'child_of' || operator === 'parent_of') && comodel.name === model.name)) checkFieldRead(env, model, field);
    if (operator === 'child_of' || operator === 'parent_of') {
      const ids = toIds(env, comodel, value);
      if (comodel.name !== model.name) {
        return idsIn(col, { kind: 'query', select: (c) => idsQuery(env, comodel, hierarchyIds(env, comodel, operator, ids, null), c) });
      }
      return hierarchy(env, model, alias, 'id', operator, ids, name);
    }
    const isNames = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
    if (isNames) {
      let op: string = ['<', '>', '<=', '>='].includes(operator) ? 'in' : operator;
      if (!Array.isArray(value) && (op === 'in' || op === 'not in')) op = op === 'in' ? '=' : '!=';
      // expression.py: a negative operator searches the comodel with the positive one and keeps
      // what it did not find (`not in` the ids, or empty); the search is the user's (rules apply).
      if (NEGATIVE_OPERATORS.has(op)) {
        const found = nameSearchIds(env, comodel, value, (NEGATION_POSITIVE[op] ?? op) as Operator, [], false);
        return sql`(${idsIn(col, found, true)} OR ${col} IS NULL)`;
      }
      return idsIn(col, nameSearchIds(env, comodel, value, op as Operator, [], false));
    }
    return scalarLeaf(env, field, col, operator, value, leaf);
  }

  if (field.type === 'binary' && field.attachment) {
    if ((operator === '=' || operator === '!=') && !pyTruthy(value)) {
      const attached = sql`SELECT res_id FROM ir_attachment WHERE res_model = ${model.name} AND res_field = ${name}`;
      return operator === '=' ? sql`(${sql.ref(`${alias}.id`)} NOT IN (${attached}))` : sql`(${sql.ref(`${alias}.id`)} IN (${attached}))`;
    }
    return sql`TRUE`; // Odoo logs "Binary field stored in attachment: ignore …"
  }

  if (field.type === 'properties') {
    throw new OdooError('odoo.exceptions.UserError', `Ficus cannot search properties field ${model.name}.${name} yet.`);
  }

  const override = conditionOverride(model, name, value);
  if (override) return compileLeaf(env, model, alias, override.name, operator, override.value);
  const analytic = analyticDistributionCondition(env, model, alias, name, operator, value, (domain) => {
    const accounts = env.registry.model('account.analytic.account');
    if (!accounts) throw keyErrorOf('account.analytic.account');
    return subSearch(env, accounts, domain).select('id');
  });
  if (analytic) return analytic;
  checkFieldRead(env, model, field);
  if (field.type === 'datetime' && typeof value === 'string' && value.length === 10) {
    value = value + (operator === '>' || operator === '<=' ? ' 23:59:59' : ' 00:00:00');
  }
  noteTemporalLiteral(env, model, field, operator, value);
  return scalarLeaf(env, field, fieldSql(env, field, alias), operator, value, leaf);
}

const NEGATION_POSITIVE: Record<string, string> = { '!=': '=', 'not like': 'like', 'not ilike': 'ilike', 'not in': 'in' };

/** x2many `in`/`not in` ids: "has one of" / "has none of", through the inverse or the relation table. */
function x2manyMembership(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, comodel: ModelInfo, op: 'in' | 'not in', ids: IdSource): Sql {
  const id = sql.ref(`${alias}.id`);
  if (field.type === 'one2many') {
    const computed = ids.kind === 'list' ? computedInverseIds(comodel, field, ids.ids) : undefined;
    if (computed) return idsIn(id, { kind: 'list', ids: computed }, op === 'not in');
    checkFieldRead(env, comodel, comodel.fields.get(field.relationField!)!);
    if (ids.kind === 'list' && !ids.ids.length) {
      inverseValues(env, comodel, field); // refuses an inverse Ficus cannot read, as before any list
      return op === 'in' ? sql`FALSE` : sql`TRUE`;
    }
    const sub = inverseValues(env, comodel, field, (line) => (ids.kind === 'list' ? sql`${line} = ANY(${ids.ids}::int4[])` : sql`${line} IN (${ids.select('id')})`));
    return op === 'in' ? sql`(${id} IN (${sub}))` : sql`(${id} NOT IN (${sub}))`;
  }
  const rel = relationOf(field);
  const relAlias = `${rel.table.slice(0, 40)}_${++env.aliasSeq}`;
  const target =
    ids.kind === 'list'
      ? sql`${sql.ref(`${relAlias}.${rel.column2}`)} = ANY(${ids.ids.length ? ids.ids : [null]}::int4[])`
      : sql`${sql.ref(`${relAlias}.${rel.column2}`)} IN (${ids.select('id')})`;
  const exists = sql`SELECT 1 FROM ${sql.table(rel.table)} AS ${sql.table(relAlias)} WHERE ${sql.ref(`${relAlias}.${rel.column1}`)} = ${id} AND ${target}`;
  return op === 'in' ? sql`EXISTS (${exists})` : sql`NOT EXISTS (${exists})`;
}

/** `x2many = False` (no related record) / `!= False` (at least one), archived ones included. */
function x2manyEmpty(env: SearchEnv, model: ModelInfo, alias: string, field: FieldInfo, comodel: ModelInfo, negative: boolean): Sql {
  const id = sql.ref(`${alias}.id`);
  if (field.type === 'one2many') {
    checkFieldRead(env, comodel, comodel.fields.get(field.relationField!)!);
    const stored = comodel.fields.get(field.relationField ?? '')?.column;
    // A stored inverse is read from all lines (`_where_calc`); an `_inherits` one from the lines the
    // user finds (`comodel.search([(inverse, '!=', False)])`, then `mapped`).
    const lines = stored ? undefined : subSearch(env, comodel, [[field.relationField!, '!=', false]]);
    const sub = inverseValues(env, comodel, field, lines && ((line) => sql`${line} IN (${lines.select('id')})`));
    return negative ? sql`(${id} IN (${sub}))` : sql`(${id} NOT IN (${sub}))`;
  }
  const rel = relationOf(field);
  const relAlias = `${rel.table.slice(0, 40)}_${++env.aliasSeq}`;
  const exists = sql`SELECT 1 FROM ${sql.table(rel.table)} AS ${sql.table(relAlias)} WHERE ${sql.ref(`${relAlias}.${rel.column1}`)} = ${id}`;
  return negative ? sql`EXISTS (${exists})` : sql`NOT EXISTS (${exists})`;
}

/** Inverse types Odoo reads as plain ids (`inverse_is_int` in expression.py). */
const INT_INVERSE_TYPES: ReadonlySet<string> = new Set(['integer', 'many2one_reference']);

/**
 * `field.get_domain_list(model)` of an x2many as one domain ([] when it has none); a domain its
 * Python computes is refused clearly rather than searched without.
 */
function x2manyFieldDomain(env: SearchEnv, model: ModelInfo, field: FieldInfo): unknown[] {
  const domains = x2manyDomains(env.registry, model, field);
  if (!domains) throw missingBehaviour(model.name, `a search on the ${field.type} ${field.name} (its domain is computed in Python)`);
  return domains.filter((d) => d.length).reduce<unknown[]>((acc, d) => (acc.length ? andDomains(acc, d) : normalizedAnd(d)), []);
}

/** `AND([a, b])` of two domains, each made prefix-complete first. */
function andDomains(a: unknown[], b: unknown[]): unknown[] {
  if (!a.length) return b;
  if (!b.length) return a;
  return ['&', ...normalizedAnd(a), ...normalizedAnd(b)];
}

/**
 * `one2many = False` / `!= False` when the inverse is an integer and the field has a domain:
 * Odoo searches the comodel as the user (`comodel.search([(inverse, '!=', False)] + domain)`,
 * active records, record rules) and keeps the records without / with such lines.
 */
function x2manyWithLinesInDomain(env: SearchEnv, alias: string, field: FieldInfo, comodel: ModelInfo, fieldDomain: unknown[], negative: boolean): Sql {
  const lines = subSearch(env, comodel, andDomains([[field.relationField!, '!=', false]], fieldDomain));
  const values = inverseValues(env, comodel, field, (line) => sql`${line} IN (${lines.select('id')})`);
  const id = sql.ref(`${alias}.id`);
  return negative ? sql`(${id} IN (${values}))` : sql`(${id} NOT IN (${values}))`;
}

/**
 * Inverse many2ones that are not stored but computed from the line's own id, so that Ficus can
 * follow expression.py's branch for them (`ids1 = comodel.browse(ids2).mapped(inverse)`, no
 * query): account_code_mapping.py `_compute_account_id` (`id // COMPANY_OFFSET`, 10000).
 */
const INVERSES_FROM_ID: Record<string, (id: number) => number> = {
  'account.code.mapping.account_id': (id) => Math.floor(id / 10000),
};

/** `mapped(inverse)` of the given lines when the inverse is one of INVERSES_FROM_ID (falsy ids left out). */
function computedInverseIds(comodel: ModelInfo, field: FieldInfo, ids: readonly number[]): number[] | undefined {
  const inverse = comodel.fields.get(field.relationField ?? '');
  const compute = inverse && !inverse.column ? INVERSES_FROM_ID[`${comodel.name}.${inverse.name}`] : undefined;
  if (!compute) return undefined;
  return [...new Set(ids.map(compute))].filter((id) => id > 0);
}

/**
 * `SELECT <inverse>` of the one2many's lines (those `onLine` keeps, else all), non-null: a stored
 * inverse from its column; an `_inherits` one (product.document's res_id is its ir.attachment's)
 * through the parent row, as expression.py's `comodel.browse(ids2).mapped(inverse)` reads it.
 */
function inverseValues(env: SearchEnv, comodel: ModelInfo, field: FieldInfo, onLine?: (lineId: Sql) => Sql): Sql {
  const inverse = comodel.fields.get(field.relationField ?? '');
  const table = requireTable(comodel);
  const coAlias = nextAlias(env, comodel);
  let from = sql`${sql.table(table)} AS ${sql.table(coAlias)}`;
  let value: Sql;
  if (inverse?.column) {
    value = sql.ref(`${coAlias}.${inverse.column}`);
  } else {
    const link = inverse?.inheritedVia ? comodel.fields.get(inverse.inheritedVia) : undefined;
    const parent = link?.relation ? env.registry.model(link.relation) : undefined;
    const column = parent?.fields.get(inverse!.name)?.column;
    if (!link?.column || !parent?.table || !column) {
      throw new OdooError('odoo.exceptions.UserError', `Ficus cannot search ${field.model}.${field.name}: its inverse field is not stored.`);
    }
    const parentAlias = nextAlias(env, parent);
    from = sql`${from} JOIN ${sql.table(parent.table)} AS ${sql.table(parentAlias)} ON ${sql.ref(`${parentAlias}.id`)} = ${sql.ref(`${coAlias}.${link.column}`)}`;
    value = sql.ref(`${parentAlias}.${column}`);
  }
  const kept = onLine ? sql`${onLine(sql.ref(`${coAlias}.id`))} AND ${value} IS NOT NULL` : sql`${value} IS NOT NULL`;
  return sql`SELECT ${value} FROM ${from} WHERE ${kept}`;
}

export function relationOf(field: FieldInfo): { table: string; column1: string; column2: string } {
  if (!field.relationTable || !field.column1 || !field.column2) {
    throw new OdooError('odoo.exceptions.UserError', `Ficus cannot use ${field.model}.${field.name}: its relation table is unknown.`);
  }
  return { table: field.relationTable, column1: field.column1, column2: field.column2 };
}

/**
 * `_name_search(value, domain, operator)` as a subquery: the display-name condition ANDed with
 * `domain` (Odoo 17+ implements name search as a search on `display_name`).
 */
export function nameSearchIds(env: SearchEnv, model: ModelInfo, value: unknown, operator: Operator, domain: unknown[], activeTest?: boolean): IdSource {
  const full = domain.length ? ['&', ...normalizedAnd(domain), ['display_name', operator, value]] : [['display_name', operator, value]];
  return subSearch(env, model, full, activeTest === undefined ? {} : { activeTest });
}

function normalizedAnd(domain: unknown[]): unknown[] {
  // [A, B] → ['&', A, B]: AND() of Odoo keeps domains prefix-complete before combining.
  const items = checkDomainShape(domain);
  const leaves = items.filter((i) => typeof i !== 'string').length;
  const ops = items.filter((i) => i === '&' || i === '|').length;
  const missing = leaves - 1 - ops;
  return [...Array(Math.max(0, missing)).fill('&'), ...domain];
}

/**
 * `display_name <operator> <value>`: the model's `_search_display_name` domain
 * (display-name-domains.ts: the base rule — no `_rec_name` matches nothing, an empty
 * like/ilike matches all or, negated, nothing, else each `_rec_names_search` field ORed, ANDed
 * when negative — and the per-model overrides), compiled here, plus the two overrides that
 * run a search of their own:
 * - res.partner (base/models/res_partner.py): for like operators, negated ones included, the
 *   partners `child_of` those the domain matches (searched as the user, active ones);
 * - res.users (base/models/res_users.py): `=`/`ilike` on a value that is some user's login
 *   matches exactly those users.
 */
function compileDisplayNameSearch(env: SearchEnv, model: ModelInfo, alias: string, operator: Operator, value: unknown): Sql {
  const domain = displayNameDomain(model, operator, value);
  if (domain === 'FALSE') return sql`FALSE`;
  const compileDomain = (d: unknown[]) => (d.length ? compileNode(env, model, alias, buildTree(env.registry, model, d.map((x) => x as never))) : sql`TRUE`);
  // res_partner.py PartnerCategory._search_display_name (the only override in that file, not
  // res.partner's): like operators, negative ones too, match the tags under the matching tags.
  if (model.name === 'res.partner.category' && operator.endsWith('like')) {
    return hierarchy(env, model, alias, 'id', 'child_of', subSearch(env, model, domain === 'TRUE' ? [] : domain), null);
  }
  const condition = domain === 'TRUE' ? sql`TRUE` : compileDomain(domain);
  if (model.name === 'res.users' && (operator === '=' || operator === 'ilike') && !isFalsy(value)) {
    const byLogin = subSearch(env, model, [['login', '=', value]]);
    return sql`(CASE WHEN EXISTS (${byLogin.select('id')}) THEN ${sql.ref(`${alias}.id`)} IN (${byLogin.select('id')}) ELSE ${condition} END)`;
  }
  return condition;
}

/**
 * `to_ids`: an id, a list of ids, or name(s) resolved with `_name_search(name, [], 'ilike')`;
 * `0`/False means nothing.
 */
function toIds(env: SearchEnv, model: ModelInfo, value: unknown): IdSource {
  if (typeof value === 'string') return nameSearchIds(env, model, value, 'ilike', []);
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string')) {
    const domain = [...Array(value.length - 1).fill('|'), ...value.map((v) => ['display_name', 'ilike', v])];
    return subSearch(env, model, domain);
  }
  if (typeof value === 'number') return { kind: 'list', ids: value ? [value] : [] };
  if (value === false || value === null) return { kind: 'list', ids: [] };
  if (Array.isArray(value)) return { kind: 'list', ids: value.filter((v): v is number => typeof v === 'number') };
  return { kind: 'list', ids: [] };
}

/** Ids of `model` matching `domain` without rules and without the active filter (Odoo's sudo search). */
function idsQuery(env: SearchEnv, model: ModelInfo, ids: IdSource, column: string): Sql {
  const alias = nextAlias(env, model);
  return sql`SELECT ${sql.ref(`${alias}.${column}`)} FROM ${sql.table(requireTable(model))} AS ${sql.table(alias)} WHERE ${idsIn(sql.ref(`${alias}.id`), ids)}`;
}

function parentFieldOf(model: ModelInfo, parent: string | null, operator: 'child_of' | 'parent_of'): FieldInfo {
  const name = parent ?? model.parentName ?? 'parent_id';
  const field = model.fields.get(name);
  if (!field) throw keyErrorOf(name);
  if (field.relation !== model.name) {
    // expression.py: child_of checks the parent field's comodel first (ValueError); parent_of
    // does not and fails subtracting records of two models (`records[parent] - records`), a TypeError.
    if (operator === 'parent_of') {
      throw new OdooError('builtins.TypeError', `inconsistent models in: parent_of on ${model.name} walks ${model.name}.${name}, a field to ${field.relation ?? 'no model'}`);
    }
    throw valueError(`Invalid parent field: ${model.name}.${name}`);
  }
  return field;
}

/** child_of / parent_of expansion of `ids` on `model`, as an id source (sudo, archived included). */
function hierarchyIds(env: SearchEnv, model: ModelInfo, operator: 'child_of' | 'parent_of', ids: IdSource, parent: string | null): IdSource {
  const seeds = (a: string) => idsIn(sql.ref(`${a}.id`), ids);
  if (ids.kind === 'list' && !ids.ids.filter(Boolean).length) return { kind: 'list', ids: [] };
  // `left_model._parent_store` decides, whatever parent field the leaf named: parent_path.
  if (model.parentStore) {
    const table = requireTable(model);
    // expression.py reads `rec.parent_path` of every seed: a seed that does not exist is Odoo's
    // MissingError, which the caller checks before running the statement (domain/hierarchy-seeds.ts).
    if (ids.kind === 'list') env.hierarchySeeds?.push({ model, ids: ids.ids.filter(Boolean) });
    const a = nextAlias(env, model);
    const s = nextAlias(env, model);
    if (operator === 'child_of') {
      return {
        kind: 'query',
        select: (c) => sql`SELECT ${sql.ref(`${a}.${c}`)} FROM ${sql.table(table)} AS ${sql.table(a)} WHERE EXISTS (SELECT 1 FROM ${sql.table(table)} AS ${sql.table(s)} WHERE ${seeds(s)} AND ${sql.ref(`${a}.parent_path`)} LIKE ${sql.ref(`${s}.parent_path`)} || '%')`,
      };
    }
    return {
      kind: 'query',
      select: () => sql`SELECT unnest(string_to_array(rtrim(${sql.ref(`${s}.parent_path`)}, '/'), '/'))::int4 FROM ${sql.table(table)} AS ${sql.table(s)} WHERE ${seeds(s)}`,
    };
  }
  // expression.py looks the parent field up before any search of the model (KeyError first).
  const parentField = parentFieldOf(model, parent, operator);
  const table = requireTable(model);
  const h = `h_${++env.aliasSeq}`;
  const a = nextAlias(env, model);
  const seedSql = ids.kind === 'list' ? sql`SELECT unnest(${ids.ids.filter(Boolean)}::int4[])` : ids.select('id');
  if (parentField.type === 'one2many') {
    // A one2many to the model itself as parent field (`child_ids child_of x`): child_of searches
    // `[(child_ids, 'in', records)]`, the records holding them as lines (up the inverse), and
    // parent_of reads `records.child_ids` (down): the inverse many2one walked the other way.
    const inverse = model.fields.get(parentField.relationField ?? '')?.column;
    if (!inverse) throw keyErrorOf(parentField.relationField ?? parentField.name);
    const step =
      operator === 'child_of'
        ? sql`SELECT ${sql.ref(`${a}.${inverse}`)} FROM ${sql.table(table)} AS ${sql.table(a)} JOIN ${sql.table(h)} ON ${sql.ref(`${a}.id`)} = ${sql.ref(`${h}.id`)} WHERE ${sql.ref(`${a}.${inverse}`)} IS NOT NULL`
        : sql`SELECT ${sql.ref(`${a}.id`)} FROM ${sql.table(table)} AS ${sql.table(a)} JOIN ${sql.table(h)} ON ${sql.ref(`${a}.${inverse}`)} = ${sql.ref(`${h}.id`)}`;
    return { kind: 'query', select: () => sql`WITH RECURSIVE ${sql.table(h)}(id) AS (${seedSql} UNION ${step}) SELECT id FROM ${sql.table(h)}` };
  }
  const col = parentField.column!;
  const step =
    operator === 'child_of'
      ? sql`SELECT ${sql.ref(`${a}.id`)} FROM ${sql.table(table)} AS ${sql.table(a)} JOIN ${sql.table(h)} ON ${sql.ref(`${a}.${col}`)} = ${sql.ref(`${h}.id`)}`
      : sql`SELECT ${sql.ref(`${a}.${col}`)} FROM ${sql.table(table)} AS ${sql.table(a)} JOIN ${sql.table(h)} ON ${sql.ref(`${a}.id`)} = ${sql.ref(`${h}.id`)} WHERE ${sql.ref(`${a}.${col}`)} IS NOT NULL`;
  return {
    kind: 'query',
    select: () => sql`WITH RECURSIVE ${sql.table(h)}(id) AS (${seedSql} UNION ${step}) SELECT id FROM ${sql.table(h)}`,
  };
}

function hierarchy(env: SearchEnv, model: ModelInfo, alias: string, _left: 'id', operator: 'child_of' | 'parent_of', ids: IdSource, parent: string | null): Sql {
  const expanded = hierarchyIds(env, model, operator, ids, parent);
  if (expanded.kind === 'list' && !expanded.ids.length) return sql`FALSE`;
  return idsIn(sql.ref(`${alias}.id`), expanded);
}

function isIdQuery(value: unknown): value is Extract<IdSource, { kind: 'query' }> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'query' && typeof (value as { select?: unknown }).select === 'function';
}

/** Python truthiness of a domain value: '', False, None, 0 and empty lists are false. */
function isFalsy(value: unknown): boolean {
  return value === '' || value === false || value === null || value === undefined || value === 0 || (Array.isArray(value) && !value.length);
}
