import type { FieldInfo } from '../registry/types.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import { parseJsonColumn } from './json-column.ts';

/**
 * A column value in Odoo's read format (`convert_to_read` of odoo/fields.py, 18):
 * empty strings stay `''` but NULL is `false`; integer/float NULL reads as `0`/`0.0`;
 * datetimes are naive UTC `YYYY-MM-DD HH:MM:SS` (no fraction); dates `YYYY-MM-DD`;
 * `bytea` binaries as the base64 text they hold. Many2one, x2many and attachment binaries are handled by the
 * reader, which needs other queries for them.
 */
export function convertColumn(field: FieldInfo, raw: unknown): unknown {
  switch (field.type) {
    case 'integer':
    case 'many2one_reference':
      return raw === null || raw === undefined ? 0 : Number(raw);
    case 'float':
    case 'monetary':
      // A Python float, so both wires write it as one (`0.0`, `<double>12.0</double>`).
      return pythonFloat(raw === null || raw === undefined ? 0 : Number(raw));
    case 'boolean':
      return raw === true;
    case 'datetime':
      return typeof raw === 'string' ? raw.slice(0, 19) : false;
    case 'date':
      return typeof raw === 'string' ? raw.slice(0, 10) : false;
    case 'binary':
      // A column binary holds what was written to it: the base64 text (fields.Binary stores the
      // value's bytes; the RPC layer decodes bytes back to str), not raw content to encode again.
      return raw instanceof Buffer ? raw.toString('utf8') : raw === null || raw === undefined ? false : raw;
    case 'properties':
      // Properties.convert_to_read_multi: an empty value reads as the definition's properties,
      // `[]` when the definition record defines none (every definition in the served
      // databases is empty; a non-empty definition is not merged here).
      return raw === null || raw === undefined || (typeof raw === 'object' && !Object.keys(raw as object).length) ? [] : raw;
    case 'json':
      // The reader selects a Json column as text (json-column.ts); a parsed value is kept as it is.
      return raw === null || raw === undefined ? false : typeof raw === 'string' ? parseJsonColumn(raw) : raw;
    case 'properties_definition':
      // PropertiesDefinition.convert_to_record: an empty definition is `[]` (what read answers too).
      return raw === null || raw === undefined || (Array.isArray(raw) && !raw.length) ? [] : raw;
    default:
      return raw === null || raw === undefined ? false : raw;
  }
}
