import type pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';

export interface TargetColumn {
  name: string;
  /** format_type(), e.g. `numeric`, `character varying(64)`, `integer[]`. */
  sqlType: string;
  /** pg_type.typname of the column's type (`_int4` for arrays). */
  typeName: string;
}

export interface TargetTable {
  /** Quoted `"schema"."table"`. */
  sql: string;
  qualified: string;
  columns: Map<string, TargetColumn>;
  primaryKey: string[];
}

/**
 * Reads a target table's columns and primary key from the catalog. The applier builds its SQL
 * from the target's own types (not from the event), so the same code serves the embedded reader
 * and Debezium, and a service table may lag or lead the legacy one by a column.
 */
export async function readTargetTable(client: pg.ClientBase, qualified: string): Promise<TargetTable> {
  const [schema, table] = splitQualified(qualified);
  const rows = await readTableColumns(client, schema, table);
  if (rows.length === 0) throw new Error(`target table ${qualified} does not exist`);
  const primaryKey = rows
    .filter((r) => r.pk_pos !== null)
    .sort((a, b) => (a.pk_pos ?? 0) - (b.pk_pos ?? 0))
    .map((r) => r.name);
  if (primaryKey.length === 0) throw new Error(`target table ${qualified} has no primary key; the applier upserts by key`);
  return {
    sql: `${quoteIdent(schema)}.${quoteIdent(table)}`,
    qualified,
    columns: new Map(rows.map((r) => [r.name, { name: r.name, sqlType: r.sql_type, typeName: r.type_name }])),
    primaryKey,
  };
}

export interface CatalogColumn {
  name: string;
  sql_type: string;
  type_name: string;
  not_null: boolean;
  /** Position in the primary key, or null. */
  pk_pos: number | null;
}

/** A table's columns, in order, with types, NOT NULL and primary-key position, from the catalog. */
export async function readTableColumns(client: pg.ClientBase, schema: string, table: string): Promise<CatalogColumn[]> {
  const { rows } = await client.query<CatalogColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS sql_type, t.typname AS type_name,
            a.attnotnull AS not_null, array_position(i.indkey::int2[], a.attnum) AS pk_pos
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, table],
  );
  return rows;
}

export function splitQualified(qualified: string): [string, string] {
  const dot = qualified.indexOf('.');
  return dot < 0 ? ['public', qualified] : [qualified.slice(0, dot), qualified.slice(dot + 1)];
}
