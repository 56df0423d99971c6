import { OdooError, valueError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { WriteMode } from './many2one-column-value.ts';
import { pythonTruthy, pythonTypeName } from '../../wire/python-values.ts';

/**
 * Date and Datetime values as Odoo 18 takes them (fields.py). Neither type overrides
 * `convert_to_column`, so a create hands a string to PostgreSQL as it came ('2026-1-5' and
 * '2026-03-04 10:11:12' are dates to PostgreSQL; '2026-02-30' is its error), and only after the
 * INSERT does `_create` put each value in the cache — `Date.to_date` (`strptime(value[:10],
 * '%Y-%m-%d')`) and `Datetime.to_datetime` (`strptime(value, '%Y-%m-%d %H:%M:%S'[:len(value)-2])`)
 * — where Python's errors come from. A write converts to the cache format first.
 */
const DATETIME_FORMAT = '%Y-%m-%d %H:%M:%S';

/** Python `_strptime`'s patterns of the directives of DATETIME_FORMAT. */
const DIRECTIVES: Readonly<Record<string, string>> = {
  Y: '(\\d\\d\\d\\d)',
  m: '(1[0-2]|0[1-9]|[1-9])',
  d: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  H: '(2[0-3]|[0-1]\\d|\\d)',
  M: '([0-5]\\d|\\d)',
  S: '(6[0-1]|[0-5]\\d|\\d)',
};

/** `datetime.strptime(text, format)` for a prefix of DATETIME_FORMAT: the numbers, or Python's ValueError. */
function strptime(text: string, format: string): number[] {
  if (format.endsWith('%')) throw valueError(`stray % in format ${pyRepr(format)}`);
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char === '%') pattern += DIRECTIVES[format[++i]!]!;
    else pattern += char === ' ' ? '\\s+' : char.replace(/[-:]/g, (c) => `\\${c}`);
  }
  const found = new RegExp(`^${pattern}`, 'i').exec(text);
  if (!found) throw valueError(`time data ${pyRepr(text)} does not match format ${pyRepr(format)}`);
  if (found[0].length !== text.length) throw valueError(`unconverted data remains: ${text.slice(found[0].length)}`);
  const [year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0] = found.slice(1).map((part) => Number.parseInt(part!.trim(), 10));
  if (second > 59) throw valueError('second must be in 0..59');
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) throw valueError('day is out of range for month');
  return [year, month, day, hour, minute, second];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `Date.to_date(value)` as a 'YYYY-MM-DD' string, null for a falsy value. */
export function pythonDate(value: unknown): string | null {
  if (!pythonTruthy(value)) return null;
  if (typeof value !== 'string') throw new OdooError('builtins.TypeError', `'${pythonTypeName(value)}' object is not subscriptable`);
  const [year, month, day] = strptime(value.slice(0, 10), '%Y-%m-%d');
  return `${pad(year!, 4)}-${pad(month!)}-${pad(day!)}`;
}

/** `Datetime.to_datetime(value)` as a 'YYYY-MM-DD HH:MM:SS' string, null for a falsy value. */
export function pythonDatetime(value: unknown): string | null {
  if (!pythonTruthy(value)) return null;
  if (typeof value !== 'string') throw new OdooError('builtins.TypeError', `object of type '${pythonTypeName(value)}' has no len()`);
  const [year, month, day, hour, minute, second] = strptime(value, DATETIME_FORMAT.slice(0, Math.max(0, value.length - 2)));
  return `${pad(year!, 4)}-${pad(month!)}-${pad(day!)} ${pad(hour!)}:${pad(minute!)}:${pad(second!)}`;
}

/**
 * The column value of a date or datetime: a write's in the cache format (Python's checks), a
 * create's as text for PostgreSQL to parse (False/None are NULL; '', 'True' or '5' are
 * PostgreSQL's to refuse).
 */
export function temporalColumnValue(field: FieldInfo, value: unknown, mode: WriteMode): string | null {
  const date = field.type === 'date';
  if (mode === 'write') return date ? pythonDate(value) : pythonDatetime(value);
  if (value === false || value === null || value === undefined) return null;
  // fields.py Field.convert_to_column: a str as it is, anything else as `str(value)`.
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'number' ? String(value) : pyRepr(value);
}

/** After a create's INSERT: its date and datetime values put in the cache, in the order of `vals` (`_create`). */
export function checkCreatedTemporalValues(model: ModelInfo, vals: Vals): void {
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields.get(name);
    if (field?.type === 'date') pythonDate(value);
    else if (field?.type === 'datetime') pythonDatetime(value);
  }
}
