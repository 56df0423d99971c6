import { formatPythonFloat } from './python-float-repr.ts';
import { PythonFloat } from './values.ts';

/**
 * Python's `repr()` and `str()` for the JSON-like values that end up in exception texts
 * (`invalid literal for int() with base 10: 'abc'`, `str(exc)` of a multi-argument exception).
 * Faults must read the way Odoo's do, because clients show or match them.
 */

// Python's str.isprintable() is false for these categories, except for the plain space.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(codePoint: number): string {
  if (codePoint < 0x100) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}

export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) out += escapeCodePoint(char.codePointAt(0)!);
    else out += char;
  }
  return out + quote;
}

export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pythonStringRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatPythonFloat(value);
  if (value instanceof PythonFloat) return formatPythonFloat(value.value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    return `{${entries.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return pythonStringRepr(String(value));
}

/** Python's `str(x)`: strings as they are, everything else as its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** `str(exc)` of a Python exception built from `args`: one argument prints as itself, several as a tuple. */
export function pythonExceptionStr(args: readonly unknown[]): string {
  if (args.length === 0) return '';
  if (args.length === 1) return pythonStr(args[0]);
  return `(${args.map(pythonRepr).join(', ')})`;
}
