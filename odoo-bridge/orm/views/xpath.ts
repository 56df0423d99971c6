import { elementChildren, getAttr, iterElements, type XmlElement } from './xml-tree.ts';

/**
 * The XPath 1.0 subset inheriting views use to locate a node (template_inheritance.py
 * `locate_node`: `etree.ETXPath(expr)(arch)`, first match in document order): absolute and
 * relative location paths with `/`, `//`, `.`, `..`, `*`, the child, descendant(-or-self),
 * parent, ancestor(-or-self) and self axes, and predicates made of positions, `last()`,
 * `position()`, attribute tests, `=`/`!=` comparisons, `and`/`or`/`not()`, `contains()`,
 * `starts-with()`, `local-name()`, `text()`, nested paths, and Odoo's own `hasclass()`
 * (odoo/tools/xml_utils.py registers it for view xpaths). Anything else is a syntax error the
 * caller turns into Odoo's "Invalid Expression" refusal.
 */
export class XPathUnsupported extends Error {}

type Axis = 'child' | 'descendant' | 'descendant-or-self' | 'parent' | 'ancestor' | 'ancestor-or-self' | 'self' | 'attribute';

interface Step {
  axis: Axis;
  /** Element name, `*`, or `text()` / `node()`. */
  test: string;
  predicates: Expr[];
}

interface PathExpr {
  kind: 'path';
  absolute: boolean;
  steps: Step[];
}

type Expr =
  | PathExpr
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'binary'; op: 'and' | 'or' | '=' | '!=' | '<' | '>' | '<=' | '>='; left: Expr; right: Expr };

// ---------------------------------------------------------------------------------- tokens

type Token = { t: 'name' | 'string' | 'number' | 'op'; v: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) throw new XPathUnsupported('unterminated string');
      tokens.push({ t: 'string', v: expr.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const two = expr.slice(i, i + 2);
    if (['//', '..', '::', '!=', '<=', '>='].includes(two)) {
      tokens.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+|^[0-9]+/.exec(expr.slice(i))!;
      tokens.push({ t: 'number', v: m[0] });
      i += m[0].length;
      continue;
    }
    if ('/[]()@,=*.|<>'.includes(c)) {
      tokens.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(expr.slice(i));
    if (!m) throw new XPathUnsupported(`unexpected ${c}`);
    // A name may not end with '.' or '-' followed by an operator; XPath names here never do.
    tokens.push({ t: 'name', v: m[0] });
    i += m[0].length;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------- parser

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return !!t && t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new XPathUnsupported(`expected ${v}`);
    this.pos++;
  }

  parseAll(): Expr {
    const expr = this.parseOr();
    if (this.pos !== this.tokens.length) throw new XPathUnsupported('trailing tokens');
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek()?.t === 'name' && this.peek()!.v === 'or') {
      this.pos++;
      left = { kind: 'binary', op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }
  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.peek()?.t === 'name' && this.peek()!.v === 'and') {
      this.pos++;
      left = { kind: 'binary', op: 'and', left, right: this.parseComparison() };
    }
    return left;
  }
  private parseComparison(): Expr {
    let left = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && ['=', '!=', '<', '>', '<=', '>='].includes(t.v)) {
        this.pos++;
        left = { kind: 'binary', op: t.v as '=', left, right: this.parsePrimary() };
      } else return left;
    }
  }
  private parsePrimary(): Expr {
    const t = this.peek();
    if (!t) throw new XPathUnsupported('unexpected end');
    if (t.t === 'string') {
      this.pos++;
      return { kind: 'string', value: t.v };
    }
    if (t.t === 'number') {
      this.pos++;
      return { kind: 'number', value: Number(t.v) };
    }
    if (this.isOp('(')) {
      this.pos++;
      const inner = this.parseOr();
      this.expectOp(')');
      return inner;
    }
    if (t.t === 'name' && this.isOp('(', 1) && !['text', 'node'].includes(t.v)) {
      this.pos += 2;
      const args: Expr[] = [];
      if (!this.isOp(')')) {
        args.push(this.parseOr());
        while (this.isOp(',')) {
          this.pos++;
          args.push(this.parseOr());
        }
      }
      this.expectOp(')');
      return { kind: 'call', name: t.v, args };
    }
    return this.parsePath();
  }

  parsePath(): PathExpr {
    const steps: Step[] = [];
    let absolute = false;
    if (this.isOp('/')) {
      absolute = true;
      this.pos++;
      if (!this.startsStep()) return { kind: 'path', absolute, steps };
    } else if (this.isOp('//')) {
      absolute = true;
      this.pos++;
      steps.push({ axis: 'descendant-or-self', test: 'node()', predicates: [] });
    }
    steps.push(this.parseStep());
    for (;;) {
      if (this.isOp('/')) {
        this.pos++;
        steps.push(this.parseStep());
      } else if (this.isOp('//')) {
        this.pos++;
        steps.push({ axis: 'descendant-or-self', test: 'node()', predicates: [] });
        steps.push(this.parseStep());
      } else break;
    }
    return { kind: 'path', absolute, steps };
  }

  private startsStep(): boolean {
    const t = this.peek();
    return !!t && (t.t === 'name' || (t.t === 'op' && ['*', '.', '..', '@'].includes(t.v)));
  }

  private parseStep(): Step {
    if (this.isOp('.')) {
      this.pos++;
      return { axis: 'self', test: 'node()', predicates: [] };
    }
    if (this.isOp('..')) {
      this.pos++;
      return { axis: 'parent', test: 'node()', predicates: [] };
    }
    let axis: Axis = 'child';
    if (this.isOp('@')) {
      this.pos++;
      axis = 'attribute';
    } else if (this.peek()?.t === 'name' && this.isOp('::', 1)) {
      const name = this.peek()!.v;
      if (!['child', 'descendant', 'descendant-or-self', 'parent', 'ancestor', 'ancestor-or-self', 'self'].includes(name)) throw new XPathUnsupported(`axis ${name}`);
      axis = name as Axis;
      this.pos += 2;
    }
    let test: string;
    if (this.isOp('*')) {
      this.pos++;
      test = '*';
    } else if (this.peek()?.t === 'name') {
      test = this.peek()!.v;
      this.pos++;
      if (['text', 'node'].includes(test) && this.isOp('(')) {
        this.expectOp('(');
        this.expectOp(')');
        test = `${test}()`;
      }
    } else throw new XPathUnsupported('node test expected');
    const predicates: Expr[] = [];
    while (this.isOp('[')) {
      this.pos++;
      predicates.push(this.parseOr());
      this.expectOp(']');
    }
    return { axis, test, predicates };
  }
}

// ---------------------------------------------------------------------------------- evaluation

/** A value: a node-set (elements, attribute values, or text strings), a string, number or boolean. */
type Item = XmlElement | { attr: string } | { text: string };
type Value = Item[] | string | number | boolean;

interface Context {
  node: XmlElement;
  position: number;
  size: number;
  root: XmlElement;
}

function stringOfItem(item: Item): string {
  if (!('kind' in item)) return 'attr' in item ? item.attr : item.text;
  const parts: string[] = [];
  const walk = (el: XmlElement) => {
    if (el.text) parts.push(el.text);
    for (const child of el.children) {
      if (child.kind === 'element') walk(child);
      if (child.tail) parts.push(child.tail);
    }
  };
  walk(item);
  return parts.join('');
}

function toStringValue(value: Value): string {
  if (Array.isArray(value)) return value.length ? stringOfItem(value[0]!) : '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  return String(value);
}
function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const s = toStringValue(value).trim();
  return s === '' ? NaN : Number(s);
}
function toBoolean(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  return value;
}

function compare(op: string, a: Value, b: Value): boolean {
  const atom = (x: Value): Array<string | number | boolean> => (Array.isArray(x) ? x.map(stringOfItem) : [x]);
  const test = (x: string | number | boolean, y: string | number | boolean): boolean => {
    if (op === '=' || op === '!=') {
      let eq: boolean;
      if (typeof x === 'boolean' || typeof y === 'boolean') eq = toBoolean(x) === toBoolean(y);
      else if (typeof x === 'number' || typeof y === 'number') eq = toNumber(x) === toNumber(y);
      else eq = x === y;
      return op === '=' ? eq : !eq;
    }
    const nx = toNumber(x);
    const ny = toNumber(y);
    return op === '<' ? nx < ny : op === '>' ? nx > ny : op === '<=' ? nx <= ny : nx >= ny;
  };
  if (Array.isArray(a) && Array.isArray(b)) return atom(a).some((x) => atom(b).some((y) => test(x, y)));
  if (Array.isArray(a)) {
    if (typeof b === 'boolean') return test(toBoolean(a), b);
    return atom(a).some((x) => test(x, b as string | number));
  }
  if (Array.isArray(b)) {
    if (typeof a === 'boolean') return test(a, toBoolean(b));
    return atom(b).some((y) => test(a as string | number | boolean, y));
  }
  return test(a, b);
}

function matchesTest(node: XmlElement, test: string): boolean {
  return test === '*' || test === 'node()' || node.tag === test;
}

function axisNodes(node: XmlElement, axis: Axis): XmlElement[] {
  switch (axis) {
    case 'child':
      return elementChildren(node);
    case 'self':
      return [node];
    case 'parent':
      return node.parent ? [node.parent] : [];
    case 'descendant':
      return [...iterElements(node)].slice(1);
    case 'descendant-or-self':
      return [...iterElements(node)];
    case 'ancestor': {
      const out: XmlElement[] = [];
      for (let p = node.parent; p; p = p.parent) out.push(p);
      return out; // reverse axis: proximity order
    }
    case 'ancestor-or-self': {
      const out: XmlElement[] = [node];
      for (let p = node.parent; p; p = p.parent) out.push(p);
      return out;
    }
    default:
      return [];
  }
}

function documentOrder(root: XmlElement, items: Item[]): Item[] {
  const elements = new Set(items.filter((i): i is XmlElement => 'kind' in i));
  const others = items.filter((i) => !('kind' in i));
  const ordered = [...iterElements(root)].filter((el) => elements.has(el));
  // An element outside the root's tree (the document node's context) cannot occur here.
  return [...ordered, ...others];
}

function evalStep(ctx: Context, nodes: Item[], step: Step): Item[] {
  const out: Item[] = [];
  for (const item of nodes) {
    if (!('kind' in item)) continue;
    if (step.axis === 'attribute') {
      const value = step.test === '*' ? undefined : getAttr(item, step.test);
      const candidates: Item[] = step.test === '*' ? item.attrs.map(([, v]) => ({ attr: v })) : value === undefined ? [] : [{ attr: value }];
      out.push(...filterPredicates(ctx, candidates, step.predicates));
      continue;
    }
    if (step.test === 'text()') {
      const texts: Item[] = [];
      if (step.axis === 'child') {
        if (item.text) texts.push({ text: item.text });
        for (const child of item.children) if (child.tail) texts.push({ text: child.tail });
      }
      out.push(...filterPredicates(ctx, texts, step.predicates));
      continue;
    }
    const candidates = axisNodes(item, step.axis).filter((n) => matchesTest(n, step.test));
    out.push(...filterPredicates(ctx, candidates, step.predicates));
  }
  // Dedupe (the descendant-or-self step reaches a node from several contexts).
  const seen = new Set<Item>();
  const unique = out.filter((i) => (seen.has(i) ? false : (seen.add(i), true)));
  return documentOrder(ctx.root, unique);
}

function filterPredicates(ctx: Context, candidates: Item[], predicates: Expr[]): Item[] {
  let current = candidates;
  for (const predicate of predicates) {
    const size = current.length;
    current = current.filter((item, index) => {
      const node = 'kind' in item ? item : ctx.node;
      const value = evaluate(predicate, { node, position: index + 1, size, root: ctx.root });
      return typeof value === 'number' ? value === index + 1 : toBoolean(value);
    });
  }
  return current;
}

function evalPath(path: PathExpr, ctx: Context): Item[] {
  // Absolute paths start at the document node: `/form` is the root element, `//x` any element.
  let nodes: Item[];
  let steps = path.steps;
  if (path.absolute) {
    if (!steps.length) return [ctx.root];
    const [first, ...rest] = steps;
    if (first!.axis === 'descendant-or-self' && first!.test === 'node()' && !first!.predicates.length) {
      // `//x`: the document node's descendants, i.e. the root and all below it.
      const [second, ...after] = rest;
      if (!second) return [...iterElements(ctx.root)];
      const all: Item[] = [];
      if (second.axis === 'child') {
        // children of the document node (the root element) plus children of every element
        all.push(...filterPredicates(ctx, matchesTest(ctx.root, second.test) ? [ctx.root] : [], second.predicates));
        all.push(...evalStep(ctx, [...iterElements(ctx.root)], second));
      } else all.push(...evalStep(ctx, [...iterElements(ctx.root)], second));
      nodes = documentOrder(ctx.root, [...new Set(all)]);
      steps = after;
    } else {
      nodes = first!.axis === 'child' ? filterPredicates(ctx, matchesTest(ctx.root, first!.test) ? [ctx.root] : [], first!.predicates) : [];
      steps = rest;
    }
  } else nodes = [ctx.node];
  for (const step of steps) nodes = evalStep(ctx, nodes, step);
  return nodes;
}

function evaluate(expr: Expr, ctx: Context): Value {
  switch (expr.kind) {
    case 'number':
    case 'string':
      return expr.value;
    case 'path':
      return evalPath(expr, ctx);
    case 'binary': {
      if (expr.op === 'and') return toBoolean(evaluate(expr.left, ctx)) && toBoolean(evaluate(expr.right, ctx));
      if (expr.op === 'or') return toBoolean(evaluate(expr.left, ctx)) || toBoolean(evaluate(expr.right, ctx));
      return compare(expr.op, evaluate(expr.left, ctx), evaluate(expr.right, ctx));
    }
    case 'call': {
      const args = expr.args.map((a) => evaluate(a, ctx));
      switch (expr.name) {
        case 'last':
          return ctx.size;
        case 'position':
          return ctx.position;
        case 'not':
          return !toBoolean(args[0]!);
        case 'true':
          return true;
        case 'false':
          return false;
        case 'contains':
          return toStringValue(args[0]!).includes(toStringValue(args[1]!));
        case 'starts-with':
          return toStringValue(args[0]!).startsWith(toStringValue(args[1]!));
        case 'normalize-space':
          return toStringValue(args.length ? args[0]! : [ctx.node]).trim().replace(/\s+/g, ' ');
        case 'string':
          return toStringValue(args.length ? args[0]! : [ctx.node]);
        case 'count':
          return Array.isArray(args[0]) ? args[0].length : NaN;
        case 'local-name':
        case 'name': {
          const target = args.length ? (Array.isArray(args[0]) ? args[0][0] : undefined) : ctx.node;
          return target && 'kind' in target ? target.tag.replace(/^\{[^}]*\}/, '') : '';
        }
        case 'hasclass': {
          // odoo/tools/xml_utils.py `_hasclass(context, *cls)`: every class is in @class.
          const classes = new Set((getAttr(ctx.node, 'class') ?? '').split(/\s+/).filter(Boolean));
          return args.every((c) => classes.has(toStringValue(c)));
        }
        default:
          throw new XPathUnsupported(`function ${expr.name}()`);
      }
    }
  }
}

const compiled = new Map<string, PathExpr>();

/** The elements `expr` selects in `root`'s tree, in document order (ETXPath(expr)(root)). */
export function selectNodes(root: XmlElement, expr: string): XmlElement[] {
  let path = compiled.get(expr);
  if (!path) {
    const parsed = new Parser(tokenize(expr)).parseAll();
    if (parsed.kind !== 'path') throw new XPathUnsupported('not a location path');
    path = parsed;
    compiled.set(expr, path);
  }
  return evalPath(path, { node: root, position: 1, size: 1, root }).filter((i): i is XmlElement => 'kind' in i);
}
