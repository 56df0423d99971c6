import type pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { splitQualified } from '../apply/target-tables.ts';

export interface TableDifference {
  table: string;
  sourceRows: number;
  targetRows: number;
  missing: string[];
  extra: string[];
  different: string[];
}

/**
 * Row-by-row comparison of tables in two databases: a hash of every row's text form, keyed by
 * primary key. Returns only the tables that differ, with up to
 * ten sample keys per kind of difference.
 */
export async function compareTables(source: pg.ClientBase, target: pg.ClientBase, tables: readonly string[]): Promise<TableDifference[]> {
  const differences: TableDifference[] = [];
  for (const table of tables) {
    const [schema, name] = splitQualified(table);
    const { rows: keyRows } = await source.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
        WHERE i.indisprimary AND n.nspname = $1 AND c.relname = $2
        ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [schema, name],
    );
    const key = keyRows.map((r) => `t.${quoteIdent(r.name)}`).join(', ');
    // The row's text form, column by column in table order: both sides must have the same
    // columns in the same order (copyTableDefinitions keeps it).
    const sql = `SELECT json_build_array(${key})::text AS k, md5(t::text) AS h FROM ${quoteIdent(schema)}.${quoteIdent(name)} t`;
    const [a, b] = await Promise.all([source.query<{ k: string; h: string }>(sql), target.query<{ k: string; h: string }>(sql)]);
    const left = new Map(a.rows.map((r) => [r.k, r.h]));
    const right = new Map(b.rows.map((r) => [r.k, r.h]));
    const missing = [...left.keys()].filter((k) => !right.has(k));
    const extra = [...right.keys()].filter((k) => !left.has(k));
    const different = [...left.entries()].filter(([k, h]) => right.has(k) && right.get(k) !== h).map(([k]) => k);
    if (missing.length || extra.length || different.length) {
      differences.push({ table, sourceRows: left.size, targetRows: right.size, missing: missing.slice(0, 10), extra: extra.slice(0, 10), different: different.slice(0, 10) });
    }
  }
  return differences;
}
