import { randomBytes } from 'node:crypto';
import { formatPythonFloat } from '../xmlrpc/python-float-repr.ts';
import { PythonFloat } from '../xmlrpc/values.ts';

/**
 * JSON as Odoo's `json.dumps` writes it. The one thing JSON.stringify cannot do is a Python
 * float: `0.0`, `1740.0`, `1e-05` keep their float form, and clients in Python (and the golden
 * comparison) see a float, not an int. Values wrapped in PythonFloat are written as a marker
 * string first and swapped for the raw number text afterwards; the marker carries a random
 * per-process token, so no string from a client or the database can imitate it.
 */
const TOKEN = randomBytes(12).toString('hex');
const MARKER_PREFIX = `\u0000${TOKEN}:`;
const MARKER_PATTERN = new RegExp(`"\\\\u0000${TOKEN}:([^"]*)"`, 'g');

export function stringifyPythonJson(value: unknown): string {
  let sawFloat = false;
  const text = JSON.stringify(value, function replace(_key, current: unknown) {
    if (current instanceof PythonFloat) {
      sawFloat = true;
      return MARKER_PREFIX + pythonJsonNumber(current.value);
    }
    if (typeof current === 'bigint') {
      sawFloat = true;
      return MARKER_PREFIX + current.toString();
    }
    if (current instanceof Map) return Object.fromEntries(current);
    return current;
  });
  return sawFloat ? text.replace(MARKER_PATTERN, (_match, number: string) => number) : text;
}

/** Python's json module writes non-finite floats as the bare words NaN / Infinity / -Infinity. */
function pythonJsonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return formatPythonFloat(value);
}
