import { missingBehaviour, OdooError } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { columnValue } from './field-values.ts';
import type { WriteMode } from './many2one-column-value.ts';

/** jsonb and array parameters need an explicit cast in a parameterised INSERT/UPDATE. */
export function castOf(field: FieldInfo | undefined): string {
  if (!field?.columnType) return '';
  return field.columnType === 'jsonb' ? '::jsonb' : '';
}

/**
 * vals → SQL columns of this table, x2many commands, and values of `_inherits` parents.
 * Non-stored computed fields without a column (display_name…) are ignored, as Odoo does when
 * they have no inverse. `floatScales` (float-scales.ts): the rounding each Float with digits and Monetary value is stored with.
 */
export function splitVals(model: ModelInfo, vals: Vals, lang: string, companyId: number | null, mode: WriteMode, existingJson?: Map<string, unknown>, floatScales?: ReadonlyMap<string, number>): {
  columns: Map<string, unknown>;
  x2many: Map<string, unknown>;
  parents: Map<string, Vals>;
} {
  const columns = new Map<string, unknown>();
  const x2many = new Map<string, unknown>();
  const parents = new Map<string, Vals>();
  // `_create` builds the INSERT from `sorted(stored.items())`: a create's conversion errors come by field name.
  const entries = Object.entries(vals);
  let refusedByDatabase: { field: string; error: OdooError } | undefined;
  if (mode === 'create') entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries) {
    const field = model.fields.get(name)!;
    if (name === 'id' || (model.logAccess && ['create_uid', 'create_date', 'write_uid', 'write_date'].includes(name))) continue;
    if (field.inheritedVia) {
      const parentModel = [...model.inherits].find(([, fk]) => fk === field.inheritedVia)?.[0];
      if (parentModel) {
        let p = parents.get(parentModel);
        if (!p) parents.set(parentModel, (p = {}));
        p[name] = value;
      }
      continue;
    }
    if (field.type === 'one2many' || field.type === 'many2many') {
      if (field.store || field.type === 'one2many') x2many.set(name, value);
      continue;
    }
    if (field.attachment) throw missingBehaviour(model.name, `writing the attachment-stored binary field ${name}`);
    if (!field.column) continue;
    let converted: unknown;
    try {
      converted = columnValue(model, field, value, lang, mode, existingJson?.get(name), floatScales?.get(name));
    } catch (error) {
      // PostgreSQL refuses a value when the INSERT runs, after Python has converted every column.
      if (mode !== 'create' || !(error instanceof OdooError) || !error.exceptionName.startsWith('psycopg2.')) throw error;
      refusedByDatabase ??= { field: name, error };
      continue;
    }
    // 18 company-dependent columns are jsonb keyed by company id; the write merges this company's value in.
    columns.set(name, field.companyDependent && field.columnType === 'jsonb' ? JSON.stringify({ [String(companyId ?? 0)]: converted }) : converted);
  }
  if (refusedByDatabase) {
    refusedFields.set(refusedByDatabase.error, refusedByDatabase.field);
    throw refusedByDatabase.error;
  }
  return { columns, x2many, parents };
}

const refusedFields = new WeakMap<OdooError, string>();

/** The field whose create value `splitVals` found PostgreSQL would refuse, when `error` is that refusal. */
export function fieldRefusedByDatabase(error: unknown): string | undefined {
  return error instanceof OdooError ? refusedFields.get(error) : undefined;
}
