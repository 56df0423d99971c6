import { OdooError } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { pythonTruthy, pythonTypeName } from '../../wire/python-values.ts';

/** Whether a value is how the RPC writes a create or a write (Odoo converts them differently). */
export type WriteMode = 'create' | 'write';

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/**
 * A many2one's column value, as Odoo 18 stores it (fields.py Many2one):
 *
 * - write: `convert_to_cache` keeps an `int` (not a bool) and turns anything else — a string, a
 *   float, True, an `[id, name]` list from the wire — into None; `convert_to_column` then stores
 *   `value or None`, so 0 is NULL too (a company-dependent column keeps the 0 in its JSON).
 * - create: `convert_to_column_insert` hands `value or None` to psycopg2 as it came: falsy
 *   (0, '', [], False) is NULL, and PostgreSQL assigns the rest to the integer column — a
 *   numeric string is parsed, a float rounded, and True, a list or a non-numeric string fail
 *   with PostgreSQL's error.
 */
export function many2oneColumnValue(field: FieldInfo, value: unknown, mode: WriteMode): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) {
    // A Python int beyond int4 goes as an int8 literal, cast to the column: "integer out of range", no value named.
    if (!field.companyDependent && (value < INT4_MIN || value > INT4_MAX)) throw new OdooError('psycopg2.errors.NumericValueOutOfRange', 'integer out of range\n');
    return value === 0 && !(mode === 'write' && field.companyDependent) ? null : value;
  }
  if (mode === 'write' || !pythonTruthy(value)) return null;
  // A company-dependent value goes into the jsonb column as it came (PsycopgJson), where no type is checked.
  if (field.companyDependent) return value as number;
  // A Python int or float goes as a number (int8 or numeric), cast to the column without naming the value.
  if (typeof value === 'number') return inInt4(roundHalfAwayFromZero(value), null);
  if (typeof value === 'string') {
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw invalidInteger(value);
    return inInt4(Number.parseInt(value, 10), value.trim());
  }
  if (value === true) {
    throw new OdooError('psycopg2.errors.DatatypeMismatch', `column "${field.name}" is of type integer but expression is of type boolean`);
  }
  if (Array.isArray(value)) {
    // psycopg2 sends a list as ARRAY[...]: an element that is not an integer fails first, else the array type does.
    const bad = value.find((item) => typeof item === 'string' && !/^\s*[+-]?\d+\s*$/.test(item));
    if (typeof bad === 'string') throw invalidInteger(bad);
    const type = value.every((item) => typeof item === 'number' && Number.isInteger(item)) ? 'integer[]' : value.every((item) => typeof item === 'number') ? 'numeric[]' : 'text[]';
    throw new OdooError('psycopg2.errors.DatatypeMismatch', `column "${field.name}" is of type integer but expression is of type ${type}`);
  }
  throw new OdooError('psycopg2.ProgrammingError', `can't adapt type '${pythonTypeName(value)}'`);
}

/** PostgreSQL's numeric → integer assignment rounds half away from zero. */
function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** `text`: the quoted literal PostgreSQL read (its input function names it), null for a number (a cast does not). */
function inInt4(value: number, text: string | null): number {
  if (value < INT4_MIN || value > INT4_MAX) {
    throw new OdooError('psycopg2.errors.NumericValueOutOfRange', text !== null ? `value "${text}" is out of range for type integer` : 'integer out of range');
  }
  return value;
}

function invalidInteger(text: string): OdooError {
  return new OdooError('psycopg2.errors.InvalidTextRepresentation', `invalid input syntax for type integer: "${text}"`);
}

/** A write's vals with each many2one value in Odoo's cache format: an int kept, anything else False. */
export function many2onesAsCached(model: ModelInfo, vals: Vals): Vals {
  let result = vals;
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields.get(name);
    if (field?.type !== 'many2one' || (typeof value === 'number' && Number.isInteger(value)) || value === false) continue;
    if (result === vals) result = { ...vals };
    result[name] = false;
  }
  return result;
}
