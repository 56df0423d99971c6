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
  const unclosed = innermostUnclosedBracket(source);
  if (unclosed) return { problem: { text: `'${unclosed}' was never closed (, line 1)`, notAList: false } };
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

/** The innermost opening bracket never closed (outside strings): the one CPython's tokenizer names at the end of input. */
function innermostUnclosedBracket(source: string): string | null {
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#') while (i < source.length && source[i] !== '\n') i += 1;
    else if ('([{'.includes(ch)) stack.push(ch);
    else if (')]}'.includes(ch)) {
      if (!stack.length) return null;
      stack.pop();
    }
  }
  return quote ? null : (stack[stack.length - 1] ?? null);
}
