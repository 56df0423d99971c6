import type { Queryable } from '../modules/queryable.ts';

export interface ColumnInfo {
  name: string;
  /** `format_type` output: `integer`, `numeric(12,2)`, `timestamp without time zone`, `jsonb`… */
  type: string;
  /** The base type name (`int4`, `numeric`, `timestamp`, `jsonb`…). */
  baseType: string;
}

export interface TableShape {
  exists: boolean;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** `pg_class.reltuples` (−1 or 0 when never analysed): used to size chunks, never reported. */
  estimatedRows: number;
}

/** The shape of one table, from the catalog (works for any role that can see the table). */
export async function introspectTable(db: Queryable, table: string): Promise<TableShape> {
  const { rows } = await db.query<{ name: string; type: string; base_type: string; pk: number | null; reltuples: number }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS base_type,
            array_position(i.indkey::int2[], a.attnum) AS pk, c.reltuples::float8 AS reltuples
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p')
      ORDER BY a.attnum`,
    [table],
  );
  if (rows.length === 0) return { exists: false, columns: [], primaryKey: [], estimatedRows: 0 };
  const primaryKey = rows
    .filter((r) => r.pk !== null)
    .sort((a, b) => a.pk! - b.pk!)
    .map((r) => r.name);
  return {
    exists: true,
    columns: rows.map((r) => ({ name: r.name, type: r.type, baseType: r.base_type })),
    primaryKey,
    estimatedRows: Math.max(0, Number(rows[0]!.reltuples)),
  };
}

/** Row hashing relies on `hash_record_extended` and `bit_xor`, both PostgreSQL 14+. */
export async function checkServerVersion(db: Queryable, side: string): Promise<void> {
  const { rows } = await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  if (Number(rows[0]?.v) < 140000) {
    throw new Error(`the ${side} database runs PostgreSQL ${rows[0]?.v}; reconciliation needs 14 or later`);
  }
}
