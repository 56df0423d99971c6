/**
 * Python's `json.dumps(value, ensure_ascii=False)` for values that came over RPC: the default
 * separators `", "` and `": "` (JavaScript's JSON.stringify writes none), strings escaped as
 * both escape them (`"`, `\\`, `\b\f\n\r\t`, other control characters as `\u00xx`), None/True/False
 * as null/true/false. ir.default stores defaults this way, and compares and searches them as text.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return pythonNumber(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  return JSON.stringify(String(value));
}

/** float.__repr__ as json writes it: Infinity/NaN by name, exponents as `1e+21`/`1e-07` (two digits at least). */
function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}
