import type pg from 'pg';
import { splitQualified } from '../apply/target-tables.ts';

/**
 * Primary-key columns of the published tables, in key order. The Debezium key is the primary
 * key; pgoutput's relation message marks the replica-identity columns instead, which for a
 * REPLICA IDENTITY FULL table is every column.
 */
export async function readPrimaryKeys(client: pg.ClientBase, tables: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await client.query<{ schema: string; table: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS table,
            array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum)) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
      WHERE i.indisprimary AND (n.nspname || '.' || c.relname) = ANY($1::text[])
      GROUP BY 1, 2`,
    [tables.map((t) => splitQualified(t).join('.'))],
  );
  return new Map(rows.map((r) => [`${r.schema}.${r.table}`, r.columns]));
}
