/**
 * The names a view expression reads (odoo/tools/view_validation.py `get_expression_field_names`):
 * the Python expression of an `invisible`/`readonly`/`required`/`column_invisible`/`decoration-*`
 * attribute, a field's `domain` or `context`, parsed as Python parses it and walked as
 * `_get_expression_contextual_values` walks the AST: a name is itself, `a.b` is the dotted path
 * when its value names exactly one thing, calls read their function and positional arguments
 * (not keyword arguments), dicts their keys and values. Then `parent` alone and the names of the
 * evaluation context (`context`, `uid`, `today`…) are dropped, and `x.y` becomes `x` unless it
 * starts with `parent.`.
 */
export class ExpressionSyntaxError extends Error {}

const IGNORED_IN_EXPRESSION = new Set([
  'True', 'False', 'None', 'self', 'uid', 'context', 'context_today', 'allowed_company_ids', 'current_company_id',
  'time', 'datetime', 'relativedelta', 'current_date', 'today', 'now', 'abs', 'len', 'bool', 'float', 'str', 'unicode', 'set',
]);

type Tok = { t: 'name' | 'num' | 'str' | 'op' | 'end'; v: string };

const OPERATORS = ['**=', '//=', '>>=', '<<=', '...', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '->', ':=', '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '='];

function tokenize(source: string): Tok[] {
  const tokens: Tok[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c) || c === '\\') {
      i++;
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(source.slice(i));
    if (str && (str[1]!.length === 0 || /^[rRbBuUfF]+$/.test(str[1]!))) {
      const quote = str[2]!;
      let j = i + str[0].length;
      const raw = /r/i.test(str[1]!);
      let value = '';
      for (;;) {
        if (j >= source.length) throw new ExpressionSyntaxError('unterminated string');
        if (source.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        if (source[j] === '\\' && !raw) {
          value += source[j + 1] ?? '';
          j += 2;
          continue;
        }
        value += source[j];
        j++;
      }
      tokens.push({ t: 'str', v: value });
      i = j;
      continue;
    }
    const num = /^(0[xXoObB][0-9a-fA-F_]+|(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?[jJ]?)/.exec(source.slice(i));
    if (num && /[\d.]/.test(c) && (c !== '.' || /\d/.test(source[i + 1] ?? ''))) {
      tokens.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionSyntaxError(`invalid character ${c}`);
    tokens.push({ t: 'op', v: op });
    i += op.length;
  }
  tokens.push({ t: 'end', v: '' });
  return tokens;
}

/** A parsed sub-expression: the names `_get_expression_contextual_values` returns for it. */
type Names = Set<string>;

const union = (...sets: Names[]): Names => new Set(sets.flatMap((s) => [...s]));

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isName(v: string): boolean {
    const t = this.peek();
    return t.t === 'name' && t.v === v;
  }
  private take(): Tok {
    return this.toks[this.pos++]!;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new ExpressionSyntaxError(`expected ${v}`);
    this.pos++;
  }

  whole(): Names {
    const names = this.testList();
    if (this.peek().t !== 'end') throw new ExpressionSyntaxError('trailing tokens');
    return names;
  }

  /** `a, b` at the top level is a tuple. */
  private testList(): Names {
    const first = this.test();
    if (!this.isOp(',')) return first;
    const all = [first];
    while (this.isOp(',')) {
      this.pos++;
      if (this.atExpressionEnd()) break;
      all.push(this.test());
    }
    return union(...all);
  }

  private atExpressionEnd(): boolean {
    const t = this.peek();
    return t.t === 'end' || (t.t === 'op' && [')', ']', '}'].includes(t.v));
  }

  private test(): Names {
    if (this.isName('lambda')) throw new ExpressionSyntaxError('Undefined item Lambda');
    const body = this.orTest();
    if (this.isName('if')) {
      this.pos++;
      const condition = this.orTest();
      if (!this.isName('else')) throw new ExpressionSyntaxError('expected else');
      this.pos++;
      return union(condition, body, this.test());
    }
    return body;
  }
  private orTest(): Names {
    const parts = [this.andTest()];
    while (this.isName('or')) {
      this.pos++;
      parts.push(this.andTest());
    }
    return union(...parts);
  }
  private andTest(): Names {
    const parts = [this.notTest()];
    while (this.isName('and')) {
      this.pos++;
      parts.push(this.notTest());
    }
    return union(...parts);
  }
  private notTest(): Names {
    if (this.isName('not')) {
      this.pos++;
      return this.notTest();
    }
    return this.comparison();
  }
  private comparison(): Names {
    const parts = [this.bitOr()];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && ['<', '>', '==', '>=', '<=', '!='].includes(t.v)) this.pos++;
      else if (this.isName('in')) this.pos++;
      else if (this.isName('not') && this.toks[this.pos + 1]?.t === 'name' && this.toks[this.pos + 1]!.v === 'in') this.pos += 2;
      else if (this.isName('is')) {
        this.pos++;
        if (this.isName('not')) this.pos++;
      } else break;
      parts.push(this.bitOr());
    }
    return union(...parts);
  }
  private binary(next: () => Names, ops: string[]): Names {
    const parts = [next()];
    while (this.peek().t === 'op' && ops.includes(this.peek().v)) {
      this.pos++;
      parts.push(next());
    }
    return union(...parts);
  }
  private bitOr = (): Names => this.binary(this.bitXor, ['|']);
  private bitXor = (): Names => this.binary(this.bitAnd, ['^']);
  private bitAnd = (): Names => this.binary(this.shift, ['&']);
  private shift = (): Names => this.binary(this.arith, ['<<', '>>']);
  private arith = (): Names => this.binary(this.term, ['+', '-']);
  private term = (): Names => this.binary(this.factor, ['*', '/', '//', '%', '@']);
  private factor = (): Names => {
    if (this.peek().t === 'op' && ['+', '-', '~'].includes(this.peek().v)) {
      this.pos++;
      return this.factor();
    }
    return this.power();
  };
  private power(): Names {
    const base = this.primary();
    if (this.isOp('**')) {
      this.pos++;
      return union(base, this.factor());
    }
    return base;
  }

  private primary(): Names {
    let value = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const attr = this.take();
        if (attr.t !== 'name') throw new ExpressionSyntaxError('attribute name expected');
        // Attribute: the dotted path when the value names exactly one thing.
        if (value.size === 1) value = new Set([`${[...value][0]}.${attr.v}`]);
      } else if (this.isOp('(')) {
        this.pos++;
        const args: Names[] = [];
        while (!this.isOp(')')) {
          if (this.isOp('*') || this.isOp('**')) {
            this.pos++;
            args.push(this.test());
          } else if (this.peek().t === 'name' && this.toks[this.pos + 1]?.t === 'op' && this.toks[this.pos + 1]!.v === '=') {
            // keyword argument: not read (`item_ast.args` only)
            this.pos += 2;
            this.test();
          } else args.push(this.test());
          if (!this.isOp(',')) break;
          this.pos++;
        }
        this.expect(')');
        value = union(value, ...args);
      } else if (this.isOp('[')) {
        this.pos++;
        const slice = this.subscript();
        this.expect(']');
        value = union(value, slice);
      } else return value;
    }
  }

  private subscript(): Names {
    const parts: Names[] = [];
    for (;;) {
      if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) parts.push(this.test());
      if (this.isOp(':')) {
        this.pos++;
        continue;
      }
      if (this.isOp(',')) {
        this.pos++;
        continue;
      }
      return union(...parts);
    }
  }

  private atom(): Names {
    const t = this.take();
    if (t.t === 'num') return new Set();
    if (t.t === 'str') {
      while (this.peek().t === 'str') this.pos++;
      return new Set();
    }
    if (t.t === 'name') {
      if (['True', 'False', 'None'].includes(t.v)) return new Set();
      if (['and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda', 'for'].includes(t.v)) throw new ExpressionSyntaxError(`invalid syntax near ${t.v}`);
      return new Set([t.v]);
    }
    if (t.t === 'op' && t.v === '(') {
      if (this.isOp(')')) {
        this.pos++;
        return new Set();
      }
      const inner = this.testList();
      if (this.isName('for')) throw new ExpressionSyntaxError('Undefined item GeneratorExp');
      this.expect(')');
      return inner;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Names[] = [];
      while (!this.isOp(']')) {
        items.push(this.test());
        if (this.isName('for')) throw new ExpressionSyntaxError('Undefined item ListComp');
        if (!this.isOp(',')) break;
        this.pos++;
      }
      this.expect(']');
      return union(...items);
    }
    if (t.t === 'op' && t.v === '{') {
      const items: Names[] = [];
      let isDict = true;
      let first = true;
      while (!this.isOp('}')) {
        if (this.isOp('**')) {
          this.pos++;
          items.push(this.test());
        } else {
          const key = this.test();
          if (first && !this.isOp(':')) isDict = false;
          if (isDict) {
            this.expect(':');
            items.push(key, this.test());
          } else items.push(key);
        }
        first = false;
        if (this.isName('for')) throw new ExpressionSyntaxError('Undefined item DictComp');
        if (!this.isOp(',')) break;
        this.pos++;
      }
      this.expect('}');
      if (!isDict) throw new ExpressionSyntaxError('Undefined item Set');
      return union(...items);
    }
    throw new ExpressionSyntaxError(`invalid syntax near ${t.v || 'end'}`);
  }
}

/** `get_expression_field_names(expression)`. */
export function expressionFieldNames(expression: string): Set<string> {
  const values = new Parser(tokenize(expression.trim())).whole();
  const names = new Set<string>();
  for (const name of values) {
    if (name === 'parent') continue;
    const root = name.split('.')[0]!;
    if (!IGNORED_IN_EXPRESSION.has(root)) names.add(root === 'parent' ? name : root);
  }
  return names;
}
