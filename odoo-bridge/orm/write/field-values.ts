import { OdooError, valueError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { sanitizeHtml } from './html/html-sanitize.ts';
import { many2oneColumnValue, type WriteMode } from './many2one-column-value.ts';
import { temporalColumnValue } from './temporal-values.ts';
import { roundTo } from './sale/float-round.ts';

/**
 * RPC value → column value, as Odoo's `convert_to_column` does per field type, with Odoo's
 * error texts for bad input (golden seq_partner#40/#41, seq_constraints#12).
 * Returns a value for a pg parameter (jsonb values are JSON text). `mode`: a create's values go to
 * the INSERT as they came, a write's through the cache format first (many2one-column-value.ts).
 */
export function columnValue(model: ModelInfo, field: FieldInfo, value: unknown, lang: string, mode: WriteMode, existingJson?: unknown, rounding?: number): unknown {
  const empty = value === false || value === null || value === undefined;
  switch (field.type) {
    case 'char':
    case 'text':
    case 'html': {
      if (empty) return null;
      const given = typeof value === 'string' ? value : pyStr(value);
      // fields.Html._convert: a sanitized field stores html_sanitize(value), never the raw markup.
      const text = field.type === 'html' && field.htmlSanitize ? sanitizeHtml(given, field.htmlSanitize) : given;
      const trimmed = field.type === 'char' && field.size ? text.slice(0, field.size) : text;
      if (field.translate) return JSON.stringify(translatedValue(existingJson, trimmed, lang));
      return trimmed;
    }
    case 'integer':
      return empty ? (field.companyDependent ? null : 0) : pyInt(value);
    case 'float':
    case 'monetary': {
      if (empty && field.companyDependent) return null;
      const number = empty ? 0 : pyFloat(value);
      // Float.convert_to_column: float_round with the field's digits; Monetary's: currency.round (float-scales.ts).
      return rounding === undefined ? number : roundTo(number, rounding);
    }
    case 'boolean':
      return pyTruthy(value);
    case 'date':
    case 'datetime':
      return temporalColumnValue(field, value, mode);
    case 'selection': {
      if (empty) return null;
      const keys = (field.selection ?? []).map(([k]) => k);
      // Dynamic selections (a Python method, e.g. res.partner.lang) have no reflected values: nothing to check against.
      if (keys.length && !keys.includes(String(value))) throw valueError(`Wrong value for ${model.name}.${field.name}: ${pyRepr(value)}`);
      return String(value);
    }
    case 'many2one':
      return many2oneColumnValue(field, value, mode);
    case 'many2one_reference':
      // An Integer underneath (fields.py Many2oneReference): `int(value or 0)`, so False is 0, not NULL.
      if (empty) return 0;
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      // Odoo hands anything else to PostgreSQL, which refuses it (golden seq_constraints#14).
      throw new OdooError('psycopg2.errors.InvalidTextRepresentation', `invalid input syntax for type integer: "${pyStr(value)}"`);
    case 'reference':
      return empty ? null : String(value);
    case 'json':
      // fields.Json.convert_to_column: `if not value: return None`, so {}, [], 0 and '' are stored as NULL (read back False).
      return pyTruthy(value) ? JSON.stringify(value) : null;
    case 'properties':
    case 'properties_definition':
      return empty ? null : JSON.stringify(value);
    case 'binary':
      // Bytes (ir.attachment's db_datas) are stored as they are; a str as its text (Odoo keeps base64 as given).
      return empty ? null : Buffer.isBuffer(value) ? value : String(value);
    default:
      throw valueError(`Ficus cannot write fields of type ${field.type} (${model.name}.${field.name})`);
  }
}

/** A translated jsonb value after writing `text` in `lang` (18: en_US is the source; other languages keep theirs). */
function translatedValue(existing: unknown, text: string, lang: string): Record<string, string> {
  const base: Record<string, string> = existing && typeof existing === 'object' ? { ...(existing as Record<string, string>) } : {};
  if (!Object.keys(base).length) return lang === 'en_US' ? { en_US: text } : { en_US: text, [lang]: text };
  base[lang] = text;
  return base;
}

function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === true) return 'True';
  if (typeof value === 'number') return String(value);
  return pyRepr(value);
}

function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function pyInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  if (typeof value === 'string') throw valueError(`invalid literal for int() with base 10: ${pyRepr(value)}`);
  throw new OdooError('builtins.TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pyType(value)}'`);
}

function pyFloat(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (typeof value === 'string') throw valueError(`could not convert string to float: ${pyRepr(value)}`);
  throw new OdooError('builtins.TypeError', `float() argument must be a string or a real number, not '${pyType(value)}'`);
}

function pyType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}

