import { evaluatePythonExpression, pyRepr, UnsupportedRuleExpression, type PyObject, type PyValue } from '../../../odoo-bridge/orm/index.ts';
import { OpsRefused } from './ops-refusal.ts';

/**
 * A risk rule's condition: an Odoo domain stored as Python literal text
 * (`[('amount', '>', 1000)]`), read as hp_risk reads it, `safe_eval(rule.condition or '[]')`
 * with no names given, by the ORM engine's own reader of Python literals (never JavaScript's
 * eval). What the reader cannot take (comprehensions, calls of builtins) fails closed as an
 * invalid condition.
 */
export type RiskDomain = unknown[];

/** Why a condition text is no domain: Python's exception as `str(e)` shows it. */
export interface ConditionProblem {
  readonly text: string;
  /** The domain is not a list or tuple (the constraint's second message). */
  readonly notAList: boolean;
}

/**
 * `safe_eval(text or '[]')` as a domain, or the problem Python reports. Python compiles first
 * (a SyntaxError comes unwrapped: "invalid syntax (, line 1)", "'[' was never closed (, line 1)"),
 * then evaluates, where an unknown name is a NameError that safe_eval wraps as
 * `ValueError('%r while evaluating\n%r' % (e, expr))`.
 */
export function readCondition(text: string | null | undefined): { domain: RiskDomain } | { problem: ConditionProblem } {
  const source = text || '[]';
  const bracket = bracketError(source);
  if (bracket) return { problem: { text: bracket, notAList: false } };
  // A dict or set literal: Python reads it, and it is no list (the reader knows no braces).
  if (/^\s*\{[\s\S]*\}\s*$/.test(source)) return { problem: { text: 'not a list', notAList: true } };
  const missing: string[] = [];
  const names = undefinedNames(missing);
  let value: PyValue;
  try {
    value = evaluatePythonExpression(source, names);
  } catch (error) {
    if (!(error instanceof UnsupportedRuleExpression)) throw error;
    // A semantic failure after an unknown name: Python stopped at the name.
    if (missing.length && !/^(unsupported character|unterminated string|expected|unexpected|attribute name expected)/.test(error.message)) return { problem: nameError(missing[0]!, source) };
    return { problem: { text: 'invalid syntax (, line 1)', notAList: false } };
  }
  if (missing.length) return { problem: nameError(missing[0]!, source) };
  if (!Array.isArray(value)) return { problem: { text: `${pyRepr(value)} is not a list`, notAList: true } };
  return { domain: value };
}

/** hp_risk's `_check_condition`: the refusal for a condition that is no domain, in the addon's words. */
export function conditionRefusal(code: string, text: string | null | undefined): OpsRefused | null {
  const read = readCondition(text);
  if ('domain' in read) return null;
  if (read.problem.notAList) return new OpsRefused('validation', `The condition of rule ${code} must be a list.`);
  return new OpsRefused('validation', `Invalid domain for rule ${code}: ${read.problem.text}`);
}

/** The domain of a stored condition; a condition that is no domain fails as safe_eval's error would fail action_scan. */
export function conditionDomain(code: string, text: string | null | undefined): RiskDomain {
  const read = readCondition(text);
  if ('domain' in read) return read.domain;
  throw new OpsRefused('validation', read.problem.notAList ? `The condition of rule ${code} must be a list.` : `Invalid domain for rule ${code}: ${read.problem.text}`);
}

function nameError(name: string, source: string): ConditionProblem {
  return { text: `NameError("name '${name}' is not defined") while evaluating\n${pyRepr(source)}`, notAList: false };
}

/** Every name resolves (so the parse goes on to find syntax errors first, as compile does), and is recorded as undefined. */
function undefinedNames(missing: string[]): Readonly<Record<string, PyValue>> {
  const placeholder = (): PyObject => ({ kind: 'object', attribute: () => placeholder(), call: () => placeholder() });
  return new Proxy({} as Record<string, PyValue>, {
    getOwnPropertyDescriptor(_target, name) {
      return typeof name === 'string' ? { value: placeholder(), enumerable: true, configurable: true, writable: false } : undefined;
    },
    get(_target, name) {
      if (typeof name === 'string') missing.push(name);
      return placeholder();
    },
  });
}

const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * The bracket error CPython's tokenizer reports before any syntax error, scanning outside strings
 * and comments: a closer with nothing open (`unmatched ']'`), a closer that does not match the
 * last opener (`closing parenthesis ']' does not match opening parenthesis '('`, with ` on line N`
 * when the opener is on another line), or, at the end, the innermost opener never closed. The
 * SyntaxError's text ends with `(<file>, line N)`, the file being '' for safe_eval.
 */
function bracketError(source: string): string | null {
  const open: { ch: string; line: number }[] = [];
  let quote: string | null = null;
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\n') line += 1;
    if (quote) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#') while (i + 1 < source.length && source[i + 1] !== '\n') i += 1;
    else if (ch in CLOSER_OF) open.push({ ch, line });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const last = open.pop();
      if (!last) return `unmatched '${ch}' (, line ${line})`;
      if (CLOSER_OF[last.ch] !== ch) {
        const where = last.line === line ? '' : ` on line ${last.line}`;
        return `closing parenthesis '${ch}' does not match opening parenthesis '${last.ch}'${where} (, line ${line})`;
      }
    }
  }
  const innermost = open[open.length - 1];
  return quote || !innermost ? null : `'${innermost.ch}' was never closed (, line ${innermost.line})`;
}
