import { quoteIdent } from '../../platform/quote-ident.ts';
import type { TargetColumn, TargetTable } from './target-tables.ts';

/**
 * Multi-row statements over one JSON parameter: `jsonb_to_recordset($1)` turns the batch into
 * typed rows inside PostgreSQL, so a batch of thousands of changes costs one round trip per
 * statement and no per-row SQL. Columns whose envelope encoding is not PostgreSQL's own text
 * input are read as text and converted: bytea arrives base64, json/jsonb arrive as JSON text.
 */
function recordColumn(column: TargetColumn): { definition: string; expression: string } {
  const id = quoteIdent(column.name);
  switch (column.typeName) {
    case 'bytea':
      return { definition: `${id} text`, expression: `decode(r.${id}, 'base64')` };
    case 'json':
    case 'jsonb':
      return { definition: `${id} text`, expression: `r.${id}::${column.typeName}` };
    default:
      return { definition: `${id} ${column.sqlType}`, expression: `r.${id}` };
  }
}

function recordSet(columns: TargetColumn[]): { from: string; expressions: string[] } {
  const parts = columns.map(recordColumn);
  return {
    from: `jsonb_to_recordset($1::jsonb) AS r(${parts.map((p) => p.definition).join(', ')})`,
    expressions: parts.map((p) => p.expression),
  };
}

/** INSERT … ON CONFLICT (pk) DO UPDATE for rows carrying exactly `columns`. */
export function upsertSql(table: TargetTable, columns: TargetColumn[]): string {
  const { from, expressions } = recordSet(columns);
  const names = columns.map((c) => quoteIdent(c.name));
  const pk = table.primaryKey.map(quoteIdent);
  const updates = columns.filter((c) => !table.primaryKey.includes(c.name)).map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const onConflict = updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `INSERT INTO ${table.sql} (${names.join(', ')}) SELECT ${expressions.join(', ')} FROM ${from} ON CONFLICT (${pk.join(', ')}) ${onConflict}`;
}

/** UPDATE of only `columns` (changes that left TOASTed values out), returning the keys it found. */
export function partialUpdateSql(table: TargetTable, columns: TargetColumn[]): string {
  const pkColumns = table.primaryKey.map((name) => table.columns.get(name)!);
  const all = [...pkColumns, ...columns.filter((c) => !table.primaryKey.includes(c.name))];
  const { from, expressions } = recordSet(all);
  const sets = all
    .map((c, i) => ({ c, e: expressions[i]! }))
    .filter(({ c }) => !table.primaryKey.includes(c.name))
    .map(({ c, e }) => `${quoteIdent(c.name)} = ${e}`);
  const match = pkColumns.map((c, i) => `t.${quoteIdent(c.name)} = ${expressions[i]}`).join(' AND ');
  const returning = pkColumns.map((c) => `t.${quoteIdent(c.name)}`).join(', ');
  return `UPDATE ${table.sql} AS t SET ${sets.join(', ')} FROM ${from} WHERE ${match} RETURNING ${returning}`;
}

export function deleteSql(table: TargetTable): string {
  const pkColumns = table.primaryKey.map((name) => table.columns.get(name)!);
  const { from, expressions } = recordSet(pkColumns);
  const match = pkColumns.map((c, i) => `t.${quoteIdent(c.name)} = ${expressions[i]}`).join(' AND ');
  return `DELETE FROM ${table.sql} AS t USING ${from} WHERE ${match}`;
}
