import type { FieldInfo } from '../registry/types.ts';
import { psycopgFloat, psycopgValue, pyNumberLiteral, quoted } from '../sql-text/statement-text.ts';
import { pythonJsonDumps } from './export-data.ts';
import type { InsertCell } from '../sql-text/insert-text.ts';
import { pythonStr, pythonTruthy } from '../../wire/python-values.ts';

/**
 * How psycopg2 writes into Odoo's INSERT the value `convert_to_column_insert` (fields.py 18)
 * makes of a create's value, per field type:
 *
 * - Boolean `bool(v)` → true/false; Integer `int(v or 0)`; Float without digits `float(v or 0)`
 *   by its repr, with digits (and Monetary with a currency) `float_repr` — a str, so quoted;
 * - Char/Text/Html/Selection the str, quoted with ' doubled; a translated one
 *   `Json({'en_US': v, lang: v})`, `json.dumps` with its defaults (ASCII only) then quoted;
 * - Date/Datetime `str(v)` quoted (the string as given: PostgreSQL reads it);
 * - Many2one `v or None` as it came: an int, a quoted str, a float, true, a list as `ARRAY[…]`;
 * - falsy values NULL where the conversion gives None.
 *
 * Null where Ficus cannot know psycopg2's text (company-dependent jsonb, binaries, json, an
 * unexpected type): the cell is opaque.
 */
export interface LiteralFacts {
  readonly lang: string;
  /** The field's rounding (float-scales.ts), for Float with digits and Monetary with a currency. */
  readonly rounding?: number;
  /** The value `columnValue` converted (char/html after sanitizing and size), when it converted. */
  readonly converted?: unknown;
}

export function insertLiteral(field: FieldInfo, value: unknown, facts: LiteralFacts): InsertCell {
  if (field.companyDependent) return null;
  const empty = value === false || value === null || value === undefined;
  switch (field.type) {
    case 'boolean':
      return pythonTruthy(value) ? 'true' : 'false';
    case 'integer':
      if (empty) return '0';
      return typeof value === 'number' && Number.isInteger(value) ? pyNumberLiteral(value, false) : null;
    case 'float':
    case 'monetary': {
      const number = empty ? 0 : typeof facts.converted === 'number' ? facts.converted : typeof value === 'number' ? value : null;
      if (number === null) return null;
      if (facts.rounding !== undefined) return quoted(number.toFixed(decimalPlaces(facts.rounding)));
      return psycopgFloat(number);
    }
    case 'char':
    case 'text':
    case 'html':
    case 'selection': {
      if (empty) return 'NULL';
      const text = typeof facts.converted === 'string' && !field.translate ? facts.converted : typeof value === 'string' && field.type !== 'html' ? value : null;
      if (text === null) return null;
      if (!field.translate) return quoted(text);
      const translations: Record<string, string> = { en_US: text, [facts.lang || 'en_US']: text };
      return quoted(pythonJsonDumps(translations));
    }
    case 'date':
    case 'datetime':
      if (empty) return 'NULL';
      return typeof value === 'string' || typeof value === 'number' || value === true ? quoted(pythonStr(value)) : null;
    case 'many2one':
      return pythonTruthy(value) ? psycopgValue(value) : 'NULL';
    case 'many2one_reference':
      if (empty) return 'NULL';
      return typeof value === 'number' && Number.isInteger(value) ? pyNumberLiteral(value, false) : null;
    case 'reference':
      return empty ? 'NULL' : typeof value === 'string' ? quoted(value) : null;
    default:
      return null;
  }
}

/** Where each element of a list's `ARRAY[…]` starts, counted in characters from the `A`. */
export function arrayElementOffsets(value: readonly unknown[]): number[] {
  const offsets: number[] = [];
  let at = 'ARRAY['.length;
  for (const item of value) {
    offsets.push(at);
    at += Array.from(psycopgValue(item) ?? '').length + 1;
  }
  return offsets;
}

/** `currency.decimal_places` / float_repr's digits for a rounding (0.01 → 2). */
function decimalPlaces(rounding: number): number {
  return rounding > 0 && rounding < 1 ? Math.ceil(Math.log10(1 / rounding) - 1e-9) : 0;
}
