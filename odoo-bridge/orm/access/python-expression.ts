/**
 * A tiny, safe evaluator for the Python expressions Odoo stores in `ir_rule.domain_force`
 * (Odoo runs them with `safe_eval`). Only what record rules actually use is understood:
 *
 *   literals      'x' "x" 12 -3 1.5 True False None
 *   containers    [a, b]  (a, b)  (a,)  ()  {k: v}  {a, b}  (dicts and sets as opaque objects:
 *                 what reads them needs only to know they are no list, e.g. a risk rule's
 *                 condition that safe_eval reads as a dict is "not a list", not a SyntaxError)
 *   names         user  company_ids  company_id  time   (values come from the caller)
 *   attributes    user.id  user.partner_id.id  user.groups_id.ids  …  (resolved by the caller)
 *   calls         time.strftime('%Y-%m-%d')  (only this one)
 *   operators     list + list
 *
 * Anything else (comprehensions, `ref(...)`, conditionals, other calls…) fails closed with
 * `UnsupportedRuleExpression`: a rule we cannot evaluate must deny, never allow.
 */

export class UnsupportedRuleExpression extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRuleExpression';
  }
}

/** A Python object the rule can reach by attribute access (`user`, a related record, `time`). */
export interface PyObject {
  readonly kind: 'object';
  /** Returns the attribute, or undefined when the object has no such attribute. */
  attribute(name: string): PyValue | undefined;
  /** Called for `obj.method(args)`; undefined = not callable. */
  call?(method: string, args: PyValue[]): PyValue | undefined;
}

export type PyValue = null | boolean | number | string | PyValue[] | PyObject;

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

export function evaluatePythonExpression(source: string, names: Readonly<Record<string, PyValue>>): PyValue {
  const tokens = tokenize(source);
  const parser = new Parser(tokens, names, source);
  const value = parser.expression();
  parser.expectEnd();
  return value;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]*)?/.exec(source.slice(i))!;
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const [value, next] = readString(source, i);
      tokens.push({ t: 'str', v: value });
      i = next;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ t: 'name', v: m[0] });
      i += m[0].length;
      continue;
    }
    if ('[](),.+-{}:'.includes(ch)) {
      tokens.push({ t: 'op', v: ch });
      i += 1;
      continue;
    }
    throw new UnsupportedRuleExpression(`unsupported character ${JSON.stringify(ch)}`);
  }
  tokens.push({ t: 'end' });
  return tokens;
}

function readString(source: string, start: number): [string, number] {
  const quote = source[start]!;
  if (source.startsWith(quote.repeat(3), start)) throw new UnsupportedRuleExpression('triple-quoted strings');
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) return [out, i + 1];
    if (ch === '\n') break;
    if (ch === '\\') {
      const next = source[i + 1];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
      if (next === undefined || !(next in escapes)) throw new UnsupportedRuleExpression('unsupported string escape');
      out += escapes[next];
      i += 2;
      continue;
    }
    out += ch;
    i += 1;
  }
  throw new UnsupportedRuleExpression('unterminated string');
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly names: Readonly<Record<string, PyValue>>,
    private readonly source: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new UnsupportedRuleExpression(`expected '${v}' in ${JSON.stringify(this.source.trim())}`);
    this.pos += 1;
  }
  expectEnd(): void {
    if (this.peek().t !== 'end') throw new UnsupportedRuleExpression(`unexpected trailing input in ${JSON.stringify(this.source.trim())}`);
  }

  /** expression := unary ('+' unary)* — only list/tuple concatenation and number addition. */
  expression(): PyValue {
    let left = this.unary();
    while (this.isOp('+')) {
      this.pos += 1;
      const right = this.unary();
      if (Array.isArray(left) && Array.isArray(right)) left = [...left, ...right];
      else if (typeof left === 'number' && typeof right === 'number') left = left + right;
      else if (typeof left === 'string' && typeof right === 'string') left = left + right;
      else throw new UnsupportedRuleExpression('unsupported operands for +');
    }
    return left;
  }

  private unary(): PyValue {
    if (this.isOp('-')) {
      this.pos += 1;
      const v = this.unary();
      if (typeof v !== 'number') throw new UnsupportedRuleExpression('unary minus on a non-number');
      return -v;
    }
    return this.postfix(this.atom());
  }

  private postfix(value: PyValue): PyValue {
    let current = value;
    while (this.isOp('.')) {
      this.pos += 1;
      const name = this.next();
      if (name.t !== 'name') throw new UnsupportedRuleExpression('attribute name expected');
      if (this.isOp('(')) {
        this.pos += 1;
        const args = this.sequence(')');
        if (!isObject(current) || !current.call) throw new UnsupportedRuleExpression(`call of ${name.v}() is not allowed`);
        const result = current.call(name.v, args);
        if (result === undefined) throw new UnsupportedRuleExpression(`call of ${name.v}() is not allowed`);
        current = result;
        continue;
      }
      if (!isObject(current)) throw new UnsupportedRuleExpression(`attribute ${name.v} of a plain value`);
      const attr = current.attribute(name.v);
      if (attr === undefined) throw new UnsupportedRuleExpression(`unknown attribute ${name.v}`);
      current = attr;
    }
    if (this.isOp('(') || this.isOp('[')) throw new UnsupportedRuleExpression('calls and subscripts are not allowed');
    return current;
  }

  private atom(): PyValue {
    const tok = this.next();
    switch (tok.t) {
      case 'num':
        return tok.v;
      case 'str': {
        // Adjacent string literals concatenate, as in Python.
        let s = tok.v;
        while (this.peek().t === 'str') s += (this.next() as { v: string }).v;
        return s;
      }
      case 'name': {
        if (tok.v === 'True') return true;
        if (tok.v === 'False') return false;
        if (tok.v === 'None') return null;
        if (!Object.hasOwn(this.names, tok.v)) throw new UnsupportedRuleExpression(`name '${tok.v}' is not available to record rules`);
        return this.names[tok.v]!;
      }
      case 'op': {
        if (tok.v === '[') return this.sequence(']');
        if (tok.v === '{') return this.display();
        if (tok.v === '(') {
          // Parenthesised expression or tuple: a trailing comma (or none at all) makes a tuple.
          if (this.isOp(')')) {
            this.pos += 1;
            return [];
          }
          const first = this.expression();
          if (this.isOp(')')) {
            this.pos += 1;
            return first;
          }
          this.expectOp(',');
          const rest = this.isOp(')') ? (this.pos++, []) : this.sequence(')');
          return [first, ...rest];
        }
        throw new UnsupportedRuleExpression(`unexpected '${tok.v}'`);
      }
      default:
        throw new UnsupportedRuleExpression('unexpected end of expression');
    }
  }

  /** A dict display `{k: v, …}` or a set display `{a, …}` after its `{`, as an object with no attributes. */
  private display(): PyValue {
    const items: PyValue[] = [];
    let kind: 'dict' | 'set' = 'dict';
    let first = true;
    while (!this.isOp('}')) {
      items.push(this.expression());
      if (first) kind = this.isOp(':') ? 'dict' : 'set';
      first = false;
      if (kind === 'dict') {
        this.expectOp(':');
        items.push(this.expression());
      }
      if (this.isOp(',')) this.pos += 1;
      else if (!this.isOp('}')) throw new UnsupportedRuleExpression("expected ',' or '}'");
    }
    this.pos += 1;
    return { kind: 'object', attribute: () => undefined, [kind === 'dict' ? 'pythonDict' : 'pythonSet']: items } as PyObject;
  }

  /** Items up to `close`, comma-separated, trailing comma allowed. */
  private sequence(close: string): PyValue[] {
    const items: PyValue[] = [];
    while (!this.isOp(close)) {
      items.push(this.expression());
      if (this.isOp(',')) this.pos += 1;
      else if (!this.isOp(close)) throw new UnsupportedRuleExpression(`expected ',' or '${close}'`);
    }
    this.pos += 1;
    return items;
  }
}

export function isObject(value: PyValue): value is PyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's `time` module, as far as rules use it: `time.strftime(fmt)` in the server's time (UTC). */
export function pythonTimeModule(now: () => Date = () => new Date()): PyObject {
  return {
    kind: 'object',
    attribute: () => undefined,
    call(method, args) {
      if (method !== 'strftime' || args.length !== 1 || typeof args[0] !== 'string') return undefined;
      return strftime(args[0], now());
    },
  };
}

function strftime(format: string, d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const parts: Record<string, string> = {
    Y: String(d.getUTCFullYear()),
    m: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    H: pad(d.getUTCHours()),
    M: pad(d.getUTCMinutes()),
    S: pad(d.getUTCSeconds()),
    '%': '%',
  };
  return format.replace(/%(.)/g, (whole, code: string) => {
    const value = parts[code];
    if (value === undefined) throw new UnsupportedRuleExpression(`strftime code ${whole}`);
    return value;
  });
}
