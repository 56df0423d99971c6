import { pyTruthy } from '../domain/parse.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { pyNumberLiteral, quoted, StatementText } from './statement-text.ts';

/**
 * Odoo 18's WHERE text for a domain on a model's own stored columns, as `_where_calc` builds it:
 * the automatic `('active', '=', 1)` leaf first, the domain as a tree (expression.py
 * `_tree_from_domain`: n-ary AND/OR, `!` pushed onto the leaves), written back as a domain and
 * parsed into `(A AND B)`, `(A OR B)`, `(NOT (A))`, each leaf by `_condition_to_sql` (models.py)
 * with its values as psycopg2 interpolates them.
 *
 * Only what can be written exactly is: a leaf Odoo writes with more than its own values (a
 * translated, company-dependent, datetime or float field, a many2one compared with a name, an
 * x2many, a hierarchy operator) is one opaque term; a domain with a path or `any` (which Odoo
 * merges into other subqueries, `_tree_combine_anies`) cannot be written: `false`.
 *
 * The record rules follow as one more condition (`_apply_ir_rules`: the rules' domain, global
 * ones ANDed and group ones ORed, as the access engine computes it, without active leaf).
 */
type Tree =
  | { kind: 'bool'; value: boolean }
  | { kind: 'not'; child: Tree }
  | { kind: 'and' | 'or'; children: Tree[] }
  | { kind: 'leaf'; field: string; operator: string; value: unknown };

const NEGATION: Record<string, string> = {
  '<': '>=', '>': '<=', '<=': '>', '>=': '<', '=': '!=', '!=': '=', in: 'not in', 'not in': 'in',
  like: 'not like', ilike: 'not ilike', 'not like': 'like', 'not ilike': 'ilike',
};
const NEGATIVE = new Set(['!=', 'not like', 'not ilike', 'not in']);
const WILDCARD = new Set(['like', 'ilike', 'not like', 'not ilike']);
const SQL_OPERATOR: Record<string, string> = {
  '=': '=', '!=': '!=', '<=': '<=', '<': '<', '>': '>', '>=': '>=', in: 'IN', 'not in': 'NOT IN',
  '=like': 'LIKE', '=ilike': 'ILIKE', like: 'LIKE', ilike: 'ILIKE', 'not like': 'NOT LIKE', 'not ilike': 'NOT ILIKE',
};
// float: Float.convert_to_column writes float_repr with the field's digits, which the registry does not hold.
const PLAIN_TYPES = new Set(['char', 'text', 'html', 'selection', 'integer', 'monetary', 'boolean', 'many2one', 'date']);

class Unsupported extends Error {}

/**
 * Appends ` WHERE …` (or nothing for an empty domain without active leaf nor rules) to `out`;
 * false when the text cannot be known. `ruleDomain`: the user's rules on the model, or null.
 */
/**
 * A `parent_of` leaf on a many2one whose comodel keeps `_parent_store`: expression.py
 * `parent_of_domain` reads each id's parent_path (as superuser) and searches the comodel with
 * `('id', 'in', <every label, in order>)`, which the leaf compares with as a subquery. The
 * lookup answers the comodel's table and those ids for a leaf's field and value, or undefined.
 */
export type ParentOfIds = (field: string, value: unknown) => { table: string; ids: readonly number[] } | undefined;

export function appendOdooWhere(out: StatementText, model: ModelInfo, domain: unknown, activeTest: boolean, ruleDomain: readonly unknown[] | null, parentOf?: ParentOfIds): boolean {
  if (!Array.isArray(domain) || !model.table) return false;
  let items: unknown[] = domain;
  if (model.activeField && activeTest && !items.some((item) => firstOf(item) === model.activeField)) {
    items = [[model.activeField, '=', 1], ...items];
  }
  const conditions: Array<(out: StatementText) => void> = [];
  try {
    if (items.length) {
      const tree = treeFromDomain(items);
      conditions.push((o) => writeTree(o, model, tree, parentOf));
    }
  } catch (error) {
    if (error instanceof Unsupported) return false;
    throw error;
  }
  if (ruleDomain) {
    let rules: Tree | null = null;
    try {
      rules = treeFromDomain(ruleDomain);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
    }
    conditions.push((o) => (rules ? writeTree(o, model, rules, parentOf) : o.opaque()));
  }
  if (!conditions.length) return true;
  out.append(' WHERE ');
  try {
    conditions.forEach((write, index) => {
      if (index) out.append(' AND ');
      write(out);
    });
  } catch (error) {
    if (error instanceof Unsupported) return false;
    throw error;
  }
  return true;
}

/** `item[0]`, as `_where_calc`'s active check reads it on leaves and operators alike. */
function firstOf(item: unknown): unknown {
  if (typeof item === 'string') return item[0];
  return Array.isArray(item) ? item[0] : undefined;
}

function treeFromDomain(domain: readonly unknown[]): Tree {
  const stack: Tree[] = [];
  const pop = (): Tree => {
    const tree = stack.pop();
    if (!tree) throw new Unsupported();
    return tree;
  };
  for (const item of [...domain].reverse()) {
    if (item === '!') stack.push(treeNot(pop()));
    else if (item === '&') stack.push(treeJoin('and', [pop(), pop()]));
    else if (item === '|') stack.push(treeJoin('or', [pop(), pop()]));
    else if (Array.isArray(item) && item.length === 3) {
      const [left, operator, right] = item as [unknown, unknown, unknown];
      if (left === 1 && operator === '=' && right === 1) stack.push({ kind: 'bool', value: true });
      else if (left === 0 && operator === '=' && right === 1) stack.push({ kind: 'bool', value: false });
      else if (typeof left === 'string' && typeof operator === 'string' && !left.includes('.') && !/^(not )?any$/i.test(operator)) {
        stack.push({ kind: 'leaf', field: left, operator: operator.toLowerCase(), value: right });
      } else throw new Unsupported();
    } else throw new Unsupported();
  }
  return treeJoin('and', stack.reverse());
}

function treeNot(tree: Tree): Tree {
  if (tree.kind === 'leaf' && tree.operator === '=?') {
    if (!pyTruthy(tree.value)) return { kind: 'bool', value: false };
    tree = { ...tree, operator: '=' };
  }
  if (tree.kind === 'bool') return { kind: 'bool', value: !tree.value };
  if (tree.kind === 'not') return tree.child;
  if (tree.kind === 'and' || tree.kind === 'or') return { kind: tree.kind === 'and' ? 'or' : 'and', children: tree.children.map(treeNot) };
  if (tree.kind !== 'leaf') return { kind: 'not', child: tree };
  const negated = NEGATION[tree.operator];
  return negated ? { ...tree, operator: negated } : { kind: 'not', child: tree };
}

function treeJoin(kind: 'and' | 'or', trees: Tree[]): Tree {
  const children: Tree[] = [];
  for (const tree of trees) {
    if (tree.kind === 'bool') {
      if (tree.value === (kind === 'or')) return tree;
      continue;
    }
    if (tree.kind === kind) children.push(...tree.children);
    else children.push(tree);
  }
  if (!children.length) return { kind: 'bool', value: kind === 'and' };
  return children.length === 1 ? children[0]! : { kind, children };
}

function writeTree(out: StatementText, model: ModelInfo, tree: Tree, parentOf?: ParentOfIds): void {
  switch (tree.kind) {
    case 'bool':
      out.append(tree.value ? 'TRUE' : 'FALSE');
      return;
    case 'not':
      out.append('(NOT (');
      writeTree(out, model, tree.child, parentOf);
      out.append('))');
      return;
    case 'and':
    case 'or': {
      // `'&' * (n - 1)` then the children, parsed from the end: ((A AND B) AND C).
      out.append('('.repeat(tree.children.length - 1));
      tree.children.forEach((child, index) => {
        if (index) out.append(tree.kind === 'and' ? ' AND ' : ' OR ');
        writeTree(out, model, child, parentOf);
        if (index) out.append(')');
      });
      return;
    }
    case 'leaf': {
      // Written on the side: a leaf Odoo writes with more than its values is one opaque term.
      const term = new StatementText();
      try {
        writeLeaf(term, model, tree.field, tree.operator, tree.value, parentOf);
        out.appendFrom(term);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        out.opaque();
      }
    }
  }
}

/** `_condition_to_sql` for a plain stored column of the model. */
function writeLeaf(out: StatementText, model: ModelInfo, name: string, operator: string, value: unknown, parentOf?: ParentOfIds): void {
  const field = model.fields.get(name);
  if (operator === 'parent_of' && field?.type === 'many2one' && field.column && field.store) {
    const parents = parentOf?.(name, value);
    if (!parents?.ids.length) throw new Unsupported();
    const comodel = `"${parents.table}"`;
    return void out.append(`("${model.table}"."${field.column}" IN (SELECT ${comodel}."id" FROM ${comodel} WHERE (${comodel}."id" IN (${parents.ids.join(', ')}))))`);
  }
  if (!field || !(operator in SQL_OPERATOR) && operator !== '=?') throw new Unsupported();
  const isId = name === 'id';
  if (!isId && (!field.column || !field.store || field.translate || field.companyDependent || !PLAIN_TYPES.has(field.type))) throw new Unsupported();
  if (field.type === 'many2one' && !isPlainIdValue(value)) throw new Unsupported();
  const column = `"${model.table}"."${isId ? 'id' : field.column}"`;
  if (operator === '=?') {
    if (value === false || value === null) return void out.append('TRUE');
    operator = '=';
  }
  const isNumber = ['integer', 'float', 'monetary'].includes(field.type) && !isId;
  const isChar = ['char', 'text', 'html'].includes(field.type);
  const sqlOperator = SQL_OPERATOR[operator]!;

  if (operator === 'in' || operator === 'not in') {
    if (typeof value === 'boolean') {
      return void out.append(`(${column} IS ${(operator === 'in') === value ? 'NOT ' : ''}NULL)`);
    }
    if (!Array.isArray(value)) throw new Unsupported();
    let params: unknown[] = value.filter((v) => v !== false && v !== null);
    let checkNull = params.length < value.length;
    if (field.type === 'boolean') {
      params = params.some(pyTruthy) ? [true] : [];
      if (checkNull) params.push(false);
    } else if (isNumber) {
      if (checkNull && !params.includes(0)) params.push(0);
      checkNull ||= params.includes(0);
    } else if (isChar) {
      if (checkNull && !params.includes('')) params.push('');
      checkNull ||= params.includes('');
    }
    const head = operator === 'in' ? 'FALSE' : 'TRUE';
    const wrapNull = (operator === 'in' && checkNull) || (operator === 'not in' && !checkNull);
    const wrapNotNull = operator === 'not in' && checkNull;
    if (wrapNull || wrapNotNull) out.append('(');
    if (params.length) {
      out.append(`(${column} ${sqlOperator} (`);
      params.forEach((param, index) => {
        if (index) out.append(', ');
        writeValue(out, field, isId ? param : columnValue(field, param), isId);
      });
      out.append('))');
    } else out.append(head);
    if (wrapNull) out.append(` OR ${column} IS NULL)`);
    if (wrapNotNull) out.append(` AND ${column} IS NOT NULL)`);
    return;
  }
  if (field.type === 'boolean' && (operator === '=' || operator === '!=') && typeof value === 'boolean') {
    const positive = operator === '!=' ? !value : value;
    return void out.append(positive ? `(${column} = TRUE)` : `(${column} IS NULL OR ${column} = FALSE)`);
  }
  if ((field.type === 'many2one' || isId) && (operator === '=' || operator === '!=') && !pyTruthy(value)) value = false;
  if ((operator === '=' || operator === '!=') && (value === false || value === null)) {
    if (isNumber) value = 0;
    else if (isChar) value = '';
    else return void out.append(`${column} IS ${operator === '=' ? '' : 'NOT '}NULL`);
  }
  const wildcard = WILDCARD.has(operator);
  if (wildcard && !pyTruthy(value)) return void out.append(NEGATIVE.has(operator) ? 'FALSE' : 'TRUE');
  const left = operator.endsWith('like') && !isChar ? `(${column})::text` : column;
  const addNull = pyTruthy(value) === NEGATIVE.has(operator) && operator[0] !== '<' && operator[0] !== '>';
  const numberNull = !wildcard && isNumber && typeof value === 'number' &&
    ((operator === '>=' && value <= 0) || (operator === '<=' && value >= 0) || (operator === '<' && value > 0) || (operator === '>' && value < 0));
  if (addNull || numberNull) out.append('(');
  out.append(`(${left} ${sqlOperator} `);
  if (wildcard) out.append(quoted(`%${pyStr(value)}%`));
  else writeValue(out, field, columnValue(field, value), isId);
  out.append(')');
  if (addNull || numberNull) out.append(` OR ${column} IS NULL)`);
}

function isPlainIdValue(value: unknown): boolean {
  const plain = (v: unknown) => v === false || v === null || (typeof v === 'number' && Number.isInteger(v));
  return Array.isArray(value) ? value.every(plain) : plain(value);
}

/** `field.convert_to_column(value)` (validate=False), as a Python value. */
function columnValue(field: FieldInfo, value: unknown): unknown {
  if (field.name === 'id') return value === false || value === null ? null : pyStr(value);
  switch (field.type) {
    case 'boolean':
      return pyTruthy(value);
    case 'integer':
      if (typeof value === 'number') return Math.trunc(value);
      if (value === false || value === null) return 0;
      throw new Unsupported();
    case 'monetary':
      // Monetary has no convert_to_column of its own: Field's `str(value)`, a quoted literal.
      if (value === false || value === null) return null;
      return { text: pyStr(value) };
    case 'many2one':
      return value === false || value === 0 ? null : value;
    default:
      if (value === false || value === null) return null;
      if (typeof value !== 'string') throw new Unsupported();
      return field.size ? Array.from(value).slice(0, field.size).join('') : value;
  }
}

/** psycopg2's interpolation of a Python value; a str compared with an integer/date column is a literal PostgreSQL reads as that type. */
function writeValue(out: StatementText, field: FieldInfo, value: unknown, isId: boolean): void {
  if (value === null) out.append('NULL');
  else if (value === true || value === false) out.append(String(value));
  else if (typeof value === 'number') out.append(pyNumberLiteral(value, false));
  else if (typeof value === 'object' && value && 'text' in value) out.append(quoted((value as { text: string }).text));
  else if (typeof value === 'string') {
    if (isId || field.type === 'many2one' || field.type === 'integer') out.literal(value, 'integer');
    else if (field.type === 'date') out.literal(value, 'date');
    else out.append(quoted(value));
  } else throw new Unsupported();
}

/** Python's `str()` of a JSON value. */
function pyStr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace(/e([+-])(\d)$/, 'e$10$2');
  if (typeof value === 'string') return value;
  throw new Unsupported();
}
