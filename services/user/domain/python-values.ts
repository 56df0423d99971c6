import { UserRefused } from './user-refusal.ts';

/**
 * Python's numeric conversions as hp_personal's Python applies them, so a value means the same
 * whether an Odoo client or a REST client sends it.
 */

/** `repr(s)` of a str, as CPython quotes it in error messages (single quotes unless the text holds one and no double quote). */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

// float()'s grammar (Python 3 floatnumber, plus inf/nan and '_' between digits), after strip().
const DIGITS = '\\d(?:_?\\d)*';
const FLOAT_TEXT = new RegExp(`^[+-]?(?:(?:${DIGITS})?\\.${DIGITS}(?:[eE][+-]?${DIGITS})?|${DIGITS}\\.?(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, 'i');
// str.strip() with no argument strips Unicode whitespace; \s covers it.
const PY_WHITESPACE = /^\s+|\s+$/gu;

/** Python's `float(value)` for what an Odoo or REST client can send (JSON/XML-RPC values). */
export function pyFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.replace(PY_WHITESPACE, '');
    if (!FLOAT_TEXT.test(text)) throw new UserRefused('value', `could not convert string to float: ${pyRepr(value)}`);
    const lower = text.toLowerCase().replace(/^[+]/, '');
    if (lower === 'nan' || lower === '-nan') return Number.NaN;
    if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
    if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
    return Number(text.replaceAll('_', ''));
  }
  throw new UserRefused('type', `float() argument must be a string or a real number, not '${pyTypeName(value)}'`);
}

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'datetime.datetime';
  if (value instanceof Uint8Array) return 'bytes';
  return 'dict';
}

export { pyRound2 } from '../../../odoo-bridge/orm/index.ts';

/** Python's `min(a, b)`: `b` only when `b < a` (so a NaN second argument yields `a`). */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}
