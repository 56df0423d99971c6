import type pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { readTableColumns, splitQualified } from './target-tables.ts';

/**
 * Creates in `target` tables with the same columns, types, NOT NULLs and primary keys as in
 * `source` (no defaults, foreign keys, indexes or triggers: a replica copy is written only by
 * the applier, whose batches are not ordered across tables). For tests, the benchmark and
 * bootstrapping a plain mirror; service databases bring their own migrations.
 */
export async function copyTableDefinitions(source: pg.ClientBase, target: pg.ClientBase, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const [schema, name] = splitQualified(table);
    const rows = await readTableColumns(source, schema, name);
    if (rows.length === 0) throw new Error(`source table ${table} does not exist`);
    const columns = rows.map((r) => `${quoteIdent(r.name)} ${r.sql_type}${r.not_null ? ' NOT NULL' : ''}`);
    const pk = rows.filter((r) => r.pk_pos !== null).sort((a, b) => a.pk_pos! - b.pk_pos!).map((r) => quoteIdent(r.name));
    if (pk.length) columns.push(`PRIMARY KEY (${pk.join(', ')})`);
    await target.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await target.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(name)} (${columns.join(', ')})`);
  }
}
