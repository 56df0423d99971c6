import { isHealthColumn, SECRET_FIELD_NAMES } from '../../platform/redaction.ts';
import { compareColumn, matchesColumnList, type ColumnComparison, type NormalisationNote } from './normalisation.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import type { TableShape } from './table-introspection.ts';
import type { LagOptions, NormalisationOptions } from './types.ts';

/** Everything the checksum, bisection and row queries need for one table, per side. */
export interface TablePlan {
  table: string;
  targetTable: string;
  keyColumns: string[];
  /** Integer first key column: chunks are primary-key ranges (index range scans). Otherwise hash buckets. */
  rangeChunking: boolean;
  columns: ColumnComparison[];
  onlyInSource: string[];
  onlyInTarget: string[];
  notes: NormalisationNote[];
  /** Columns whose values may appear in a report: not personal health data, not secrets. */
  displayableColumns: Set<string>;
  side: { source: SidePlan; target: SidePlan };
}

export interface SidePlan {
  /** Quoted table name. */
  from: string;
  /**
   * What chunks are ranges of: the raw first key column when it is an integer (so range
   * predicates use its index), else a hash of the key in [0, 1000003).
   */
  chunkExpr: string;
  /** Text form of the key: `id::text`, or `ROW(a, b)::text` for composite keys. */
  keyText: string;
  /**
   * 64-bit hash of the normalised row: `hash_record_extended` over every compared column (key
   * included) in its lossless hash form. It is 31·h(previous columns) + h(column) mod 2^64, so a
   * change in any one column changes it unless that column's two 64-bit hashes collide (2^-64).
   */
  rowHash: string;
  /** SQL boolean: the row was written within the lag window (`$lag` milliseconds), or `false`. */
  fresh: string;
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);
const TIMESTAMP_TYPES = new Set(['timestamp', 'timestamptz']);
const SECRET_NAMES = new Set<string>(SECRET_FIELD_NAMES.map((n) => n.toLowerCase()));

export function planTable(
  table: string,
  targetTable: string,
  source: TableShape,
  target: TableShape,
  normalisation: NormalisationOptions,
  lag: LagOptions,
): TablePlan {
  const keyColumns = source.primaryKey.length ? source.primaryKey : target.primaryKey;
  if (keyColumns.length === 0) throw new PlanError(`${table} has no primary key on either side`);
  const targetByName = new Map(target.columns.map((c) => [c.name, c]));
  const sourceByName = new Map(source.columns.map((c) => [c.name, c]));
  for (const key of keyColumns) {
    if (!sourceByName.has(key) || !targetByName.has(key)) throw new PlanError(`key column ${table}.${key} is missing on one side`);
  }
  const ignored = (name: string) => !keyColumns.includes(name) && matchesColumnList(normalisation.ignoreColumns, table, name, false);

  const columns: ColumnComparison[] = [];
  const notes: NormalisationNote[] = [];
  for (const sourceColumn of source.columns) {
    const targetColumn = targetByName.get(sourceColumn.name);
    if (!targetColumn) continue;
    if (ignored(sourceColumn.name)) {
      notes.push({ rule: 'ignored', column: `${table}.${sourceColumn.name}` });
      continue;
    }
    const comparison = compareColumn(table, sourceColumn, targetColumn, normalisation);
    for (const rule of comparison.notes) notes.push({ rule, column: `${table}.${sourceColumn.name}` });
    columns.push(comparison);
  }
  const onlyInSource = source.columns.filter((c) => !targetByName.has(c.name) && !ignored(c.name)).map((c) => c.name);
  const onlyInTarget = target.columns.filter((c) => !sourceByName.has(c.name) && !ignored(c.name)).map((c) => c.name);

  const firstKey = keyColumns[0]!;
  const rangeChunking = INTEGER_TYPES.has(sourceByName.get(firstKey)!.baseType) && INTEGER_TYPES.has(targetByName.get(firstKey)!.baseType);
  const side = (shape: TableShape, name: string, pick: (c: ColumnComparison) => string): SidePlan => {
    const key = keyColumns.map(quoteIdent);
    const writeDate = shape.columns.find((c) => c.name === lag.writeDateColumn && TIMESTAMP_TYPES.has(c.baseType));
    const now = writeDate?.baseType === 'timestamptz' ? 'now()' : `(now() AT TIME ZONE 'UTC')`;
    return {
      from: quoteIdent(name),
      chunkExpr: rangeChunking ? key[0]! : `abs(hashtextextended(${key.join(" || ',' || ")}::text, 0) % 1000003)`,
      keyText: key.length === 1 ? `${key[0]}::text` : `ROW(${key.join(', ')})::text`,
      rowHash: `hash_record_extended(ROW(${columns.map(pick).join(', ')}), 0)`,
      fresh: writeDate && lag.lagWindowMs > 0
        ? `coalesce(${quoteIdent(writeDate.name)} > ${now} - $LAG::float8 * interval '1 millisecond', false)`
        : 'false',
    };
  };
  return {
    table,
    targetTable,
    keyColumns,
    rangeChunking,
    columns,
    onlyInSource,
    onlyInTarget,
    notes,
    displayableColumns: new Set(
      columns.map((c) => c.name).filter((name) => !isHealthColumn(table, name) && !SECRET_NAMES.has(name.toLowerCase())),
    ),
    side: {
      source: side(source, table, (c) => c.sourceHash),
      target: side(target, targetTable, (c) => c.targetHash),
    },
  };
}

export class PlanError extends Error {
  override name = 'PlanError';
}
