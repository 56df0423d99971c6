import { XmlRpcParseError } from './errors.ts';
import { pythonStringRepr } from './python-repr.ts';

/**
 * Python's `int(text)` and `float(text)`, which `xmlrpc.client` applies to `<int>` and `<double>`
 * contents: surrounding whitespace is allowed, so are a sign and single underscores between
 * digits, and `float` also takes `inf`, `infinity` and `nan` in any case.
 *
 * Deliberate differences: non-ASCII digits and non-ASCII whitespace (which Python accepts) are
 * rejected, and integers beyond ±(2^53−1) are rejected because a JS number cannot hold them
 * exactly (Odoo itself would fail on them in PostgreSQL for any id or integer column).
 */

const PYTHON_WHITESPACE = /^[ \t\n\v\f\r\x1c-\x1f]+|[ \t\n\v\f\r\x1c-\x1f]+$/g;
const DIGITS = String.raw`\d(?:_?\d)*`;
const INT_LITERAL = new RegExp(`^[+-]?${DIGITS}$`);
const FLOAT_LITERAL = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  'i',
);

const PLAIN_SAFE_INT = /^-?[0-9]{1,15}$/;

export function parsePythonInt(text: string): number {
  if (PLAIN_SAFE_INT.test(text)) return Number(text) || 0; // the common case, fast; `|| 0` drops -0
  const literal = text.replace(PYTHON_WHITESPACE, '');
  if (!INT_LITERAL.test(literal)) {
    throw new XmlRpcParseError('builtins.ValueError', `invalid literal for int() with base 10: ${pythonStringRepr(text)}`);
  }
  const value = Number(literal.replaceAll('_', ''));
  if (!Number.isSafeInteger(value)) {
    throw new XmlRpcParseError('builtins.ValueError', `integer ${pythonStringRepr(text)} is beyond what the gateway accepts (±2**53-1)`);
  }
  return value === 0 ? 0 : value; // no -0 for an int
}

export function parsePythonFloat(text: string): number {
  const literal = text.replace(PYTHON_WHITESPACE, '');
  if (!FLOAT_LITERAL.test(literal)) {
    throw new XmlRpcParseError('builtins.ValueError', `could not convert string to float: ${pythonStringRepr(text)}`);
  }
  const lower = literal.toLowerCase().replaceAll('_', '');
  const sign = lower.startsWith('-') ? -1 : 1;
  const unsigned = lower.replace(/^[+-]/, '');
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Infinity;
  return Number(lower);
}
