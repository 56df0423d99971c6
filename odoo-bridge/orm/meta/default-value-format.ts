import { missingBehaviour, valueError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import type { FieldInfo } from '../registry/types.ts';
import { PythonFloat, pythonFloat, XmlRpcBinary } from '../../wire/xmlrpc/values.ts';

/**
 * Where a default comes from: `data` is JSON as a client or ir.default gives it (a list is not a
 * pair, an int is not a recordset); `record` is what a Python default returns, evaluated by
 * Ficus as ids (records).
 */
export type DefaultOrigin = 'data' | 'record';

/** The digits a Float field rounds to (fields.py `get_digits`): `(precision, scale)`, or none. */
export type FloatDigits = [number, number] | number | undefined;

const MAXINT = 2 ** 31 - 1;

/**
 * models.py `default_get` ends with `field.convert_to_write(field.convert_to_cache(value, self,
 * validate=False), self)` for every value it found (context key, ir.default, Python default), so
 * what a client gets is the field type's write format, whatever the default was written as
 * (fields.py, Odoo 18):
 * - integer: `int(value or 0)` (a `default=False` is 0), above 2^31-1 a float, below -2^31 a Python int (bigint);
 * - float/monetary: `float(value or 0.0)` rounded to the field's digits (a Python float: `1.0`,
 *   `<double>`); monetary's currency is empty on the model, so it is not rounded;
 * - boolean: `bool(value)`;
 * - char/text/html: `str(value)` cut to `size`, False/None are None (null);
 * - selection and the other scalars: `value or None` read back as False;
 * - many2one: the id (a pair or a list of ids gives its first), falsy values False;
 * - one2many/many2many: the commands or ids applied to an empty set, written as
 *   `[(6, 0, ids)]` followed by the `(0, 0, values)` of new records (a single id is `[(6, 0, [id])]`,
 *   False `[(6, 0, [])]`).
 */
export function defaultInWriteFormat(field: FieldInfo, value: unknown, digits: FloatDigits, origin: DefaultOrigin): unknown {
  switch (field.type) {
    case 'integer':
    case 'many2one_reference': {
      if (isRecordDict(value)) return typeof value.id === 'number' ? value.id : false;
      const n = truthy(value) ? Math.trunc(numberOf(value)) : 0;
      // Integer.convert_to_read sends a value above 2^31-1 as a float; one below -2^31 stays a
      // Python int, which XML-RPC's marshaller refuses (OverflowError) and JSON writes as it is.
      if (n > MAXINT) return pythonFloat(n);
      return n < -MAXINT - 1 ? BigInt(n) : n;
    }
    case 'float': {
      const n = truthy(value) ? numberOf(value) : 0;
      const scale = Array.isArray(digits) ? digits[1] : undefined;
      return pythonFloat(scale === undefined ? n : floatRound(n, scale));
    }
    case 'monetary':
      return pythonFloat(truthy(value) ? numberOf(value) : 0);
    case 'boolean':
      return truthy(value);
    case 'char':
    case 'text':
    case 'html': {
      // _String.convert_to_cache makes False/None None, and its convert_to_write keeps it: null.
      if (value === null || value === undefined || value === false) return null;
      // XML-RPC <base64> is Python bytes: Html's convert_to_cache(validate=False) keeps it as it
      // is (sent back as <base64>), Char and Text decode it (`value.decode()`).
      if (value instanceof XmlRpcBinary) {
        if (field.type === 'html') return value;
        value = value.toBuffer().toString('utf8');
      }
      const text = typeof value === 'string' ? value : pythonStr(value);
      return field.size ? [...text].slice(0, field.size).join('') : text;
    }
    case 'many2one':
      return origin === 'record' ? many2oneId(value) : many2oneIdOfData(field, value);
    case 'one2many':
    case 'many2many':
      if (origin === 'data' && !Array.isArray(value) && truthy(value)) {
        throw valueError(`Wrong value for ${field.model}.${field.name}: ${typeof value === 'string' ? value : pyRepr(value)}`);
      }
      return x2manyWriteFormat(value);
    default:
      return truthy(value) ? value : false;
  }
}

/**
 * A value as JSON data (a context key, an ir.default): Many2one.convert_to_cache keeps an `int`
 * (not a bool), takes a dict as a new record, and makes anything else (a list, a string) None.
 */
function many2oneIdOfData(field: FieldInfo, value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (isRecordDict(value)) throw missingBehaviour(field.model, `default_get of a new record (a dict) as the default of ${field.name}`);
  return false;
}

/** A value Ficus evaluated from a Python default: an id stands for the record the default returns. */
function many2oneId(value: unknown): unknown {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length ? value[0] : false;
  if (isRecordDict(value)) return typeof value.id === 'number' ? value.id : false;
  return truthy(value) ? value : false;
}

/** `_RelationalMulti.convert_to_cache` (commands applied to no records) then `convert_to_write`. */
function x2manyWriteFormat(value: unknown): unknown[] {
  const ids: number[] = [];
  const created: unknown[] = [];
  const add = (id: unknown) => {
    if (typeof id === 'number' && !ids.includes(id)) ids.push(id);
  };
  const drop = (id: unknown) => {
    const at = ids.indexOf(id as number);
    if (at >= 0) ids.splice(at, 1);
  };
  if (typeof value === 'number') add(value);
  else if (Array.isArray(value)) {
    for (const command of value) {
      if (Array.isArray(command)) {
        const [op, id, payload] = command as [unknown, unknown, unknown];
        if (op === 0) created.push([0, 0, payload]);
        else if (op === 1 || op === 4) add(id);
        else if (op === 2 || op === 3) drop(id);
        else if (op === 5) ids.splice(0);
        else if (op === 6) {
          ids.splice(0);
          for (const it of Array.isArray(payload) ? payload : []) add(it);
        }
      } else if (isRecordDict(command)) created.push([0, 0, command]);
      else add(command);
    }
  }
  return [[6, 0, ids], ...created];
}

function isRecordDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PythonFloat);
}

function numberOf(value: unknown): number {
  if (value instanceof PythonFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/** Python's truth value of a JSON-like value. */
function truthy(value: unknown): boolean {
  if (value instanceof PythonFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** `str()` of the scalars a default can be: Python's spellings of booleans and whole floats. */
function pythonStr(value: unknown): string {
  if (value === true) return 'True';
  if (value instanceof PythonFloat) return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
  return String(value);
}

/** tools/float_utils.py `float_round` (HALF-UP, with its epsilon of the value's magnitude). */
function floatRound(value: number, precisionDigits: number): number {
  const factor = 10 ** -precisionDigits;
  if (!value) return 0;
  const normalized = value / factor;
  const sign = Math.sign(normalized);
  const epsilon = 2 ** (Math.log2(Math.abs(normalized)) - 52);
  const rounded = Math.round(Math.abs(normalized) + epsilon) * sign;
  return Number((rounded * factor).toFixed(Math.max(0, precisionDigits)));
}
