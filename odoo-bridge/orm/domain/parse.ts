import { OdooError, valueError } from '../../errors.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import { pyRepr, pyTuple } from './python-repr.ts';

/**
 * Domain validation and normalisation, in the order Odoo 18 applies them in `_search`
 * (odoo/models.py) and odoo/osv/expression.py, so that an invalid domain fails with the same
 * exception Odoo raises first:
 *
 *   1. `is_false` → `normalize_domain`: not a list → AssertionError; bad arity → ValueError
 *   2. `is_false` short-circuit: a domain that is plainly false (FALSE_LEAF, `in []`) matches
 *      nothing *without* further validation
 *   3. the automatic `active` leaf
 *   4. `_anyfy_leaves`: every leaf's first path element must be a field → "Invalid field …";
 *      dotted paths through relational fields become `any` leaves
 *   5. `push` → `normalize_leaf` + `check_leaf`: operator known → "Invalid leaf …"
 */

export type Operator =
  | '=' | '!=' | '<=' | '<' | '>' | '>=' | '=?' | '=like' | '=ilike' | 'like' | 'not like'
  | 'ilike' | 'not ilike' | 'in' | 'not in' | 'child_of' | 'parent_of' | 'any' | 'not any';

export const TERM_OPERATORS: ReadonlySet<string> = new Set<Operator>([
  '=', '!=', '<=', '<', '>', '>=', '=?', '=like', '=ilike', 'like', 'not like', 'ilike', 'not ilike',
  'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
]);
export const NEGATIVE_OPERATORS: ReadonlySet<string> = new Set(['!=', 'not like', 'not ilike', 'not in', 'not any']);
const NEGATION: Record<string, Operator> = {
  '<': '>=', '>': '<=', '<=': '>', '>=': '<', '=': '!=', '!=': '=', in: 'not in', 'not in': 'in',
  like: 'not like', 'not like': 'like', ilike: 'not ilike', 'not ilike': 'ilike', any: 'not any', 'not any': 'any',
};

/** Domain tree after validation. Leaves always name a field of `model` (paths are `any` nodes). */
export type DomainNode =
  | { kind: 'const'; value: boolean }
  | { kind: 'and' | 'or'; children: DomainNode[] }
  | { kind: 'not'; child: DomainNode }
  | { kind: 'leaf'; field: string; operator: Operator; value: unknown }
  | { kind: 'any'; field: string; operator: 'any' | 'not any'; sub: RawItem[] };

/** A domain item as Odoo sees it after `tuple(item)`: operators stay strings. */
type RawItem = string | readonly unknown[];

const TRUE_LEAF = [1, '=', 1] as const;
const FALSE_LEAF = [0, '=', 1] as const;

function pyEquals(a: unknown, b: unknown): boolean {
  // Python: True == 1, False == 0, 1 == 1.0
  const norm = (v: unknown) => (v === true ? 1 : v === false ? 0 : v);
  return norm(a) === norm(b);
}

function isConstLeaf(item: RawItem, leaf: readonly unknown[]): boolean {
  return typeof item !== 'string' && item.length === 3 && item.every((v, i) => pyEquals(v, leaf[i]));
}

const isDomainOperator = (item: unknown): item is '&' | '|' | '!' => item === '&' || item === '|' || item === '!';

/** Odoo's `tuple(item)` on a domain element: strings become tuples of characters. */
function asItem(item: unknown): RawItem {
  if (isDomainOperator(item)) return item;
  if (Array.isArray(item)) return item;
  if (typeof item === 'string') return [...item];
  return [item];
}

/** Step 1: `normalize_domain`'s checks. Returns the items (as Odoo iterates them). */
export function checkDomainShape(domain: unknown): RawItem[] {
  if (!Array.isArray(domain)) {
    throw new OdooError('builtins.AssertionError', "Domains to normalize must have a 'domain' form: a list or tuple of domain components");
  }
  if (domain.length === 0) return [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) expected = 1;
    if (Array.isArray(token)) expected -= 1;
    else expected += (token === '!' ? 1 : token === '&' || token === '|' ? 2 : 0) - 1;
  }
  if (expected !== 0) throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
  return domain.map(asItem);
}

/** Step 2: `expression.is_false`, three-valued over the normalized domain. */
export function isPlainlyFalse(items: RawItem[]): boolean {
  const normalized = withImplicitAnds(items);
  const stack: number[] = [];
  for (let i = normalized.length - 1; i >= 0; i--) {
    const token = normalized[i]!;
    if (token === '&') stack.push(Math.min(stack.pop()!, stack.pop()!));
    else if (token === '|') stack.push(Math.max(stack.pop()!, stack.pop()!));
    else if (token === '!') stack.push(-stack.pop()!);
    else if (typeof token !== 'string' && isConstLeaf(token, TRUE_LEAF)) stack.push(1);
    else if (typeof token !== 'string' && isConstLeaf(token, FALSE_LEAF)) stack.push(-1);
    else if (typeof token !== 'string' && (token.length < 2 || ((token[1] === 'in' || token[1] === 'not in') && token.length < 3))) {
      // is_false reads token[1], then token[2] of an 'in'/'not in' leaf, before any arity check:
      // a shorter leaf is Python's IndexError on the leaf tuple.
      throw new OdooError('builtins.IndexError', 'tuple index out of range');
    } else if (typeof token !== 'string' && token[1] === 'in' && !pyTruthy(token[2])) stack.push(-1);
    else if (typeof token !== 'string' && token[1] === 'not in' && !pyTruthy(token[2])) stack.push(1);
    else stack.push(0);
  }
  return stack.pop() === -1;
}

export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function withImplicitAnds(items: RawItem[]): RawItem[] {
  if (items.length === 0) return [TRUE_LEAF];
  const result: RawItem[] = [];
  let expected = 1;
  for (const token of items) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    if (typeof token !== 'string') expected -= 1;
    else expected += (token === '!' ? 1 : token === '&' || token === '|' ? 2 : 0) - 1;
    result.push(token);
  }
  return result;
}

/** Step 3: prepend `(active, '=', 1)` unless any top-level item's first element is the active field. */
export function withActiveLeaf(model: ModelInfo, items: RawItem[], activeTest: boolean): RawItem[] {
  const active = model.activeField;
  if (!active || !activeTest) return items;
  if (items.some((item) => item[0] === active)) return items;
  return [[active, '=', 1], ...items];
}

/**
 * Steps 4 and 5: validate fields and operators and build the tree for `model`.
 * Sub-domains of `any` stay raw: they are validated when compiled against the comodel, as
 * Odoo does when it searches the comodel.
 */
export function buildTree(registry: Registry, model: ModelInfo, items: RawItem[]): DomainNode {
  const anyfied = items.map((item) => anyfy(registry, model, item));
  for (const item of anyfied) if (typeof item !== 'string') checkLeaf(item);
  return toTree(withImplicitAnds(anyfied));
}

function anyfy(registry: Registry, model: ModelInfo, item: RawItem): RawItem {
  if (typeof item === 'string') return item;
  if (item.length !== 3) {
    throw valueError(
      item.length < 3
        ? `not enough values to unpack (expected 3, got ${item.length})`
        : 'too many values to unpack (expected 3)',
    );
  }
  if (isConstLeaf(item, TRUE_LEAF) || isConstLeaf(item, FALSE_LEAF)) return item;
  const [left, operator, right] = item;
  if (typeof left !== 'string') {
    throw new OdooError('builtins.AttributeError', `'${pyTypeName(left)}' object has no attribute 'split'`);
  }
  const dot = left.indexOf('.');
  const head = dot < 0 ? left : left.slice(0, dot);
  const field = model.fields.get(head);
  if (!field) throw valueError(`Invalid field ${model.name}.${head} in leaf ${pyTuple(item)}`);
  const relational = field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many';
  if (dot >= 0 && relational) {
    const comodel = registry.model(field.relation ?? '');
    if (!comodel) throw valueError(`Invalid field ${model.name}.${head} in leaf ${pyTuple(item)}`);
    return [head, 'any', [anyfy(registry, comodel, [left.slice(dot + 1), operator, right])]];
  }
  if (operator === 'any' || operator === 'not any') {
    const comodel = registry.model(field.relation ?? '');
    if (!comodel) throw new OdooError('builtins.KeyError', 'None', { arguments: [null] });
    if (!Array.isArray(right)) checkDomainShape(right);
    return [left, operator, (right as unknown[]).map((sub) => anyfy(registry, comodel, asItem(sub)))];
  }
  return item;
}

function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  return 'str';
}

/** `normalize_leaf` (lower-case operator, `<>`, list/bool rewrites) followed by `check_leaf`. */
export function normalizeLeaf(item: readonly unknown[]): [unknown, string, unknown] {
  const [left, rawOperator, right] = item;
  if (typeof rawOperator !== 'string') return [left, rawOperator as string, right];
  let operator = rawOperator.toLowerCase();
  if (operator === '<>') operator = '!=';
  if (typeof right === 'boolean' && (operator === 'in' || operator === 'not in')) operator = operator === 'in' ? '=' : '!=';
  if (Array.isArray(right) && (operator === '=' || operator === '!=')) operator = operator === '=' ? 'in' : 'not in';
  return [left, operator, right];
}

function checkLeaf(item: readonly unknown[]): void {
  const leaf = normalizeLeaf(item);
  const [left, operator] = leaf;
  const ok =
    TERM_OPERATORS.has(operator) &&
    ((typeof left === 'string' && left !== '') || isConstLeaf(item, TRUE_LEAF) || isConstLeaf(item, FALSE_LEAF));
  if (!ok) throw valueError(`Invalid leaf ${pyTuple(leaf)}`);
}

function toTree(items: RawItem[]): DomainNode {
  const stack: DomainNode[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item === '!') stack.push(negate(stack.pop()!));
    else if (item === '&') stack.push(combine('and', [stack.pop()!, stack.pop()!]));
    else if (item === '|') stack.push(combine('or', [stack.pop()!, stack.pop()!]));
    else if (typeof item === 'string') throw valueError(`Invalid leaf ${pyRepr(item)}`);
    else if (isConstLeaf(item, TRUE_LEAF)) stack.push({ kind: 'const', value: true });
    else if (isConstLeaf(item, FALSE_LEAF)) stack.push({ kind: 'const', value: false });
    else {
      const [field, operator, value] = normalizeLeaf(item);
      if (operator === 'any' || operator === 'not any') {
        stack.push({ kind: 'any', field: field as string, operator, sub: value as RawItem[] });
      } else {
        stack.push({ kind: 'leaf', field: field as string, operator: operator as Operator, value });
      }
    }
  }
  return combine('and', stack.reverse());
}

export function combine(kind: 'and' | 'or', nodes: DomainNode[]): DomainNode {
  const children: DomainNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'const') {
      if (node.value === (kind === 'or')) return node;
      continue;
    }
    if (node.kind === kind) children.push(...node.children);
    else children.push(node);
  }
  if (children.length === 0) return { kind: 'const', value: kind === 'and' };
  if (children.length === 1) return children[0]!;
  return { kind, children };
}

/** `_tree_not`: negations are pushed into leaves where Odoo has a negated operator. */
export function negate(node: DomainNode): DomainNode {
  switch (node.kind) {
    case 'const':
      return { kind: 'const', value: !node.value };
    case 'not':
      return node.child;
    case 'and':
      return combine('or', node.children.map(negate));
    case 'or':
      return combine('and', node.children.map(negate));
    case 'any':
      return { ...node, operator: node.operator === 'any' ? 'not any' : 'any' };
    case 'leaf': {
      const negated = NEGATION[node.operator];
      return negated ? { ...node, operator: negated } : { kind: 'not', child: node };
    }
  }
}

/**
 * A domain with its implicit ANDs made explicit (`[A, B]` → `['&', A, B]`), so it can be nested
 * under another operator as Odoo's `AND()` does.
 */
export function explicitAnd(domain: readonly unknown[]): unknown[] {
  let expected = 1;
  const out: unknown[] = [];
  for (const token of domain) {
    if (expected === 0) {
      out.unshift('&');
      expected = 1;
    }
    expected += Array.isArray(token) ? -1 : token === '!' ? 0 : token === '&' || token === '|' ? 1 : -1;
    out.push(token);
  }
  return out;
}
