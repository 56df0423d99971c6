import { randomBytes } from 'node:crypto';
import { formatPythonFloat } from '../xmlrpc/python-float-repr.ts';
import { PythonFloat } from '../xmlrpc/values.ts';

/**
 * JSON as Odoo's `json.dumps` writes it. The one thing JSON.stringify cannot do is a Python
 * float: `0.0`, `1740.0`, `1e-05` keep their float form, and clients in Python (and the golden
 * comparison) see a float, not an int. Values wrapped in PythonFloat are written as a marker
 * string first and swapped for the raw number text afterwards; the marker carries a random
 * per-process token, so no string from a client or the database can imitate it.
 *
 * A replacer runs for every value of every row, which doubles the cost of a large answer, so
 * answers holding nothing JSON.stringify gets wrong (no PythonFloat, bigint or Map) skip it:
 * looking for those is cheaper than the replacer (bench/gateway.ts).
 */
const TOKEN = randomBytes(12).toString('hex');
const MARKER_PREFIX = `\u0000${TOKEN}:`;
const MARKER_PATTERN = new RegExp(`"\\\\u0000${TOKEN}:([^"]*)"`, 'g');

/**
 * `plain: true` says the caller already knows `value` holds nothing the replacer rewrites (it
 * walked it, response-budget.ts), so it is not walked again.
 */
export function stringifyPythonJson(value: unknown, known: { plain?: boolean } = {}): string {
  if (known.plain === true || !needsReplacer(value)) return JSON.stringify(value);
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
    // JSON.stringify writes null; a request's own NaN (json.loads reads it) goes back as Python writes it.
    if (typeof current === 'number' && !Number.isFinite(current)) {
      sawFloat = true;
      return MARKER_PREFIX + pythonJsonNumber(current);
    }
    if (current instanceof Map) return Object.fromEntries(current);
    return current;
  });
  return sawFloat ? text.replace(MARKER_PATTERN, (_match, number: string) => number) : text;
}

/** Whether `value` holds anything the replacer must rewrite. */
function needsReplacer(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof PythonFloat || value instanceof Map) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (needsReplacer(item)) return true;
    return false;
  }
  for (const key in value) if (Object.hasOwn(value, key) && needsReplacer((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** Python's json module writes non-finite floats as the bare words NaN / Infinity / -Infinity. */
function pythonJsonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return formatPythonFloat(value);
}
