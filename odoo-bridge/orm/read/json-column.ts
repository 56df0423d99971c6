import { pythonFloat } from '../../wire/xmlrpc/values.ts';

/**
 * A json/jsonb column's text as Odoo reads it (fields.Json): psycopg2 hands the text to Python's
 * `json.loads`, so `0.0` is a float and `0` an int, and both wires keep the difference (`0.0`
 * vs `0`, `<double>` vs `<int>`). JSON.parse makes both a JS number, so numbers written with a
 * fraction or an exponent are read as PythonFloat. (PostgreSQL's jsonb keeps a numeric's scale:
 * `0.0` stays `0.0`.) The reader selects such columns as text for this (read-records.ts).
 */
const STRING_OR_FLOAT = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)/g;
/** A key no JSON text from PostgreSQL can hold (jsonb refuses \u0000). */
const FLOAT_KEY = '\u0000python-float';
const FLOAT_KEY_JSON = JSON.stringify(FLOAT_KEY);

export function parseJsonColumn(text: string): unknown {
  let floats = false;
  const marked = text.replace(STRING_OR_FLOAT, (token) => {
    if (token.startsWith('"')) return token;
    floats = true;
    return `{${FLOAT_KEY_JSON}:${token}}`;
  });
  if (!floats) return JSON.parse(text);
  return JSON.parse(marked, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, FLOAT_KEY)) return pythonFloat((value as Record<string, number>)[FLOAT_KEY]!);
    return value;
  });
}
