import type { LegacyCatalog } from './legacy-catalog.ts';

/** How a model's table was found; kept in the registry so a surprising answer can be traced. */
export type TableSource = 'default-name' | 'foreign-keys' | 'addon-source' | 'column-signature';

export interface ResolvedTable {
  table: string | null;
  source: TableSource | null;
  /** Why no table was found (abstract model, or ambiguous), or a disagreement with the addon sources. */
  note?: string;
}

/** Field types that never have a column on the model's own table. */
const NO_COLUMN_TYPES = new Set(['one2many', 'many2many', 'binary']);

/**
 * Finds the SQL table of every model. Odoo keeps `_table` only in Python, so:
 *
 *  1. Odoo's default name (`hp.payment` → `hp_payment`), if that table exists and has a column
 *     for every stored field of the model;
 *  2. otherwise the table that holds the foreign keys Odoo reflected for the model in
 *     `ir_model_constraint` (every table-backed model has at least `create_uid`/`write_uid`
 *     foreign keys; `pg_constraint` says which table carries each of them). many2many tables
 *     carry foreign keys of the model too, so relation tables are excluded and the candidate
 *     must again have every stored field as a column;
 *  3. otherwise `_table` from the addon sources, when given;
 *  4. otherwise the only table whose columns cover the model's stored fields.
 *
 * Every candidate is checked against the columns, so a stale source or an unrelated table
 * with the default name cannot win. A model with no stored fields (abstract) has no table.
 */
export function resolveModelTables(
  catalog: LegacyCatalog,
  models: Iterable<string>,
  addonTables: Map<string, string> = new Map(),
): Map<string, ResolvedTable> {
  const storedColumns = new Map<string, string[]>();
  for (const field of catalog.fields) {
    if (!field.store || NO_COLUMN_TYPES.has(field.ttype)) continue;
    const list = storedColumns.get(field.model) ?? [];
    list.push(field.name);
    storedColumns.set(field.model, list);
  }
  const relationTables = new Set([
    ...catalog.relations.map((r) => r.table),
    ...catalog.fields.flatMap((f) => (f.relationTable ? [f.relationTable] : [])),
  ]);
  const fkTables = new Map<string, string[]>();
  for (const { model, table } of catalog.foreignKeyTables) {
    if (relationTables.has(table)) continue;
    fkTables.set(model, [...(fkTables.get(model) ?? []), table]);
  }
  const covers = (table: string, columns: string[]) => {
    const have = catalog.tables.get(table);
    return !!have && columns.every((c) => have.has(c));
  };

  const result = new Map<string, ResolvedTable>();
  for (const model of models) {
    const columns = storedColumns.get(model) ?? [];
    if (columns.length === 0 || (columns.length === 1 && columns[0] === 'id')) {
      result.set(model, { table: null, source: null, note: 'no stored fields: abstract or not table-backed' });
      continue;
    }
    const fromSources = addonTables.get(model);
    const pick = (table: string, source: TableSource): ResolvedTable =>
      fromSources && fromSources !== table
        ? { table, source, note: `addon sources declare _table = '${fromSources}'` }
        : { table, source };

    const defaultName = model.replaceAll('.', '_');
    if (covers(defaultName, columns)) {
      result.set(model, pick(defaultName, 'default-name'));
      continue;
    }
    const byForeignKeys = [...new Set(fkTables.get(model) ?? [])].filter((t) => covers(t, columns));
    if (byForeignKeys.length === 1) {
      result.set(model, pick(byForeignKeys[0]!, 'foreign-keys'));
      continue;
    }
    if (fromSources && covers(fromSources, columns)) {
      result.set(model, { table: fromSources, source: 'addon-source' });
      continue;
    }
    const bySignature = [...catalog.tables.keys()].filter((t) => !relationTables.has(t) && covers(t, columns));
    if (bySignature.length === 1) {
      result.set(model, pick(bySignature[0]!, 'column-signature'));
      continue;
    }
    result.set(model, {
      table: null,
      source: null,
      note: bySignature.length ? `ambiguous: ${bySignature.slice(0, 5).join(', ')}` : 'no table has a column for every stored field',
    });
  }
  return result;
}
