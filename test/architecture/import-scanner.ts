/** One module reference found in a source file. */
export interface ModuleReference {
  specifier: string;
  /** `import … from`, `export … from`, `import '…'`, `import('…')`, or a worker entry `new URL('…', import.meta.url)`. */
  kind: 'static' | 'dynamic' | 'worker';
  /** 1-based line of the reference, for messages. */
  line: number;
}

/**
 * Lists the module references of a TypeScript or JavaScript source. It reads the source as
 * tokens, not lines: an import written inside a string, a template literal or a comment is no
 * import (the architecture tests plant violations as strings, and comments quote paths), and a
 * multi-line `import {\n a,\n b\n} from '…'` is one.
 *
 * Type-only imports count: a lower layer that names a type of an upper one depends on it.
 */
export function scanModuleReferences(source: string): ModuleReference[] {
  const tokens = tokenize(source);
  const references: ModuleReference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word') continue;
    const previous = tokens[i - 1];
    // `x.import` or `obj.export` are property accesses, not declarations.
    if (previous?.kind === 'punct' && previous.text === '.') continue;
    if (token.text === 'import' || token.text === 'export') {
      const next = tokens[i + 1];
      if (token.text === 'import' && next?.kind === 'punct' && next.text === '(') {
        const argument = tokens[i + 2];
        if (argument?.kind === 'string') references.push({ specifier: argument.text, kind: 'dynamic', line: token.line });
        continue;
      }
      if (token.text === 'import' && next?.kind === 'string') {
        references.push({ specifier: next.text, kind: 'static', line: token.line });
        continue;
      }
      const specifier = fromClause(tokens, i + 1, token.text === 'import');
      if (specifier) references.push({ specifier: specifier.text, kind: 'static', line: token.line });
      continue;
    }
    // new URL('./worker.mjs', import.meta.url): a module started as a worker thread.
    if (token.text === 'new' && tokens[i + 1]?.text === 'URL' && tokens[i + 2]?.text === '(') {
      const argument = tokens[i + 3];
      const comma = tokens[i + 4];
      const meta = tokens.slice(i + 5, i + 10).map((t) => t.text).join('');
      if (argument?.kind === 'string' && comma?.text === ',' && meta.startsWith('import.meta.url') && /\.(m?[jt]s)$/.test(argument.text)) {
        references.push({ specifier: argument.text, kind: 'worker', line: argument.line });
      }
    }
  }
  return references;
}

/**
 * The module of `import <clause> from '…'` or `export <clause> from '…'` whose clause starts at
 * token `j`: an optional `type`, then default name, `{ … }` or `* as name`, comma-separated.
 * `export const …`, `export { a }` without `from`, `import x = …` give none.
 */
function fromClause(tokens: Token[], j: number, isImport: boolean): Token | undefined {
  const at = (k: number) => tokens[k];
  if (at(j)?.text === 'type' && (at(j + 1)?.text === '{' || at(j + 1)?.text === '*' || (isImport && at(j + 1)?.kind === 'word' && at(j + 1)?.text !== 'from'))) j++;
  for (let parts = 0; parts < 3; parts++) {
    const t = at(j);
    if (!t) return undefined;
    if (t.text === '{') {
      let depth = 0;
      for (; j < tokens.length; j++) {
        if (at(j)!.text === '{') depth++;
        else if (at(j)!.text === '}' && --depth === 0) break;
      }
      j++;
    } else if (t.text === '*') {
      j++;
      if (at(j)?.text === 'as') j += 2;
    } else if (isImport && t.kind === 'word' && t.text !== 'from') {
      j++;
    } else {
      return undefined;
    }
    if (at(j)?.text === ',') {
      j++;
      continue;
    }
    break;
  }
  return at(j)?.text === 'from' && at(j + 1)?.kind === 'string' ? at(j + 1) : undefined;
}

interface Token {
  kind: 'word' | 'string' | 'punct';
  text: string;
  line: number;
}

/**
 * Words, string literals (their value) and punctuation; comments, template literals and
 * regular expressions are skipped. A template's `${…}` parts are scanned as code (an import
 * can only appear there as `import('…')`, which is still a reference).
 */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  // Nesting of `${` inside templates: a `}` closing one of them resumes the template.
  const templateDepths: number[] = [];
  let braceDepth = 0;
  const n = source.length;

  const regexAllowed = () => {
    const last = tokens[tokens.length - 1];
    if (!last) return true;
    if (last.kind === 'string') return false;
    if (last.kind === 'word') return REGEX_AFTER_WORDS.has(last.text);
    return !(last.text === ')' || last.text === ']' || last.text === '}');
  };

  const readTemplate = () => {
    // i is just after a backtick or a `}` that closed a `${`.
    while (i < n) {
      const c = source[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '\n') line++;
      if (c === '`') {
        i++;
        tokens.push({ kind: 'string', text: '', line });
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templateDepths.push(braceDepth);
        braceDepth++;
        tokens.push({ kind: 'punct', text: '(', line });
        return;
      }
      i++;
    }
  };

  while (i < n) {
    const c = source[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (source[k] === '\n') line++;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      i++;
      while (i < n && source[i] !== c) {
        if (source[i] === '\\') {
          value += source[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (source[i] === '\n') break; // unterminated: stop at the line end
        value += source[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, line: start });
      continue;
    }
    if (c === '`') {
      i++;
      readTemplate();
      continue;
    }
    if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const r = source[i]!;
        if (r === '\\') {
          i += 2;
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(source[i]!)) i++;
      tokens.push({ kind: 'string', text: '', line });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(source[i]!)) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), line });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[\w.]/.test(source[i]!)) i++;
      tokens.push({ kind: 'word', text: '0', line });
      continue;
    }
    if (c === '{') braceDepth++;
    if (c === '}') {
      braceDepth--;
      if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === braceDepth) {
        templateDepths.pop();
        tokens.push({ kind: 'punct', text: ')', line });
        i++;
        readTemplate();
        continue;
      }
    }
    tokens.push({ kind: 'punct', text: c, line });
    i++;
  }
  return tokens;
}

/** After these words a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
