import { OdooError, typeError, valueError } from '../errors.ts';

/**
 * What Python does with a JSON (or XML-RPC) value where Odoo's code applies `dict(v)`, `*v` or
 * `**v` to what a client sent: the same values come out, or Python's own exception.
 */

/** `type(v).__name__` of the value a JSON or XML-RPC decoder built. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (Buffer.isBuffer(value)) return 'bytes';
  return 'dict';
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Python's iteration of a value: a list's items, a string's characters, a dict's keys; undefined when not iterable. */
function pythonIterate(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (Buffer.isBuffer(value)) return [...value];
  if (isMapping(value)) return Object.keys(value);
  return undefined;
}

/** `dict(value)`: a mapping as it is, else a sequence of key/value pairs (each of length 2). */
export function pythonDict(value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  const items = pythonIterate(value);
  if (!items) throw typeError(`'${pythonTypeName(value)}' object is not iterable`);
  const out: Record<string, unknown> = {};
  items.forEach((item, index) => {
    const pair = pythonIterate(item);
    if (!pair) throw typeError(`cannot convert dictionary update sequence element #${index} to a sequence`);
    if (pair.length !== 2) throw valueError(`dictionary update sequence element #${index} has length ${pair.length}; 2 is required`);
    out[String(pair[0])] = pair[1];
  });
  return out;
}

/** `f(*value)`: the positional arguments a value unpacks to. */
export function pythonStarArgs(value: unknown): unknown[] {
  const items = pythonIterate(value);
  if (!items) throw typeError(`Value after * must be an iterable, not ${pythonTypeName(value)}`);
  return items;
}

/** `f(**value)` where `f` is Python's `callee` (its qualified name as the TypeError prints it). */
export function pythonStarStarKwargs(value: unknown, callee: string): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw typeError(`${callee} argument after ** must be a mapping, not ${pythonTypeName(value)}`);
}

/** `{**value}` in a dict display: a mapping, else TypeError "'<type>' object is not a mapping". */
export function pythonStarStarMapping(value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw typeError(`'${pythonTypeName(value)}' object is not a mapping`);
}

/** Python's truth value. */
export function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (Buffer.isBuffer(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** `str(value)` of a JSON scalar as Python prints it (None, True, False). */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/** The IndexError of `params[i]` beyond the end: XML-RPC decodes params as a tuple, JSON as a list. */
export function indexOutOfRange(sequence: 'tuple' | 'list'): OdooError {
  return new OdooError('builtins.IndexError', `${sequence} index out of range`);
}
