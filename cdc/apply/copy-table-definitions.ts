import type pg from 'pg';
import { quoteIdent, splitQualified } from './target-tables.ts';

/**
 * Creates in `target` tables with the same columns, types, NOT NULLs and primary keys as in
 * `source` (no defaults, foreign keys, indexes or triggers: a replica copy is written only by
 * the applier, whose batches are not ordered across tables). For tests, the benchmark and
 * bootstrapping a plain mirror; service databases bring their own migrations.
 */
export async function copyTableDefinitions(source: pg.ClientBase, target: pg.ClientBase, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const [schema, name] = splitQualified(table);
    const { rows } = await source.query<{ name: string; type: string; not_null: boolean; pk_pos: number | null }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              array_position(i.indkey::int2[], a.attnum) AS pk_pos
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [schema, name],
    );
    if (rows.length === 0) throw new Error(`source table ${table} does not exist`);
    const columns = rows.map((r) => `${quoteIdent(r.name)} ${r.type}${r.not_null ? ' NOT NULL' : ''}`);
    const pk = rows.filter((r) => r.pk_pos !== null).sort((a, b) => a.pk_pos! - b.pk_pos!).map((r) => quoteIdent(r.name));
    if (pk.length) columns.push(`PRIMARY KEY (${pk.join(', ')})`);
    await target.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await target.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(name)} (${columns.join(', ')})`);
  }
}
