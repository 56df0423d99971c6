import type pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { splitQualified } from '../apply/target-tables.ts';

export interface PublicationOptions {
  /** `ficus_<purpose>`. */
  name: string;
  /** Qualified `schema.table` names; the publication holds exactly these. */
  tables: readonly string[];
}

/**
 * Creates (or re-aims) a publication over an explicit table list. Never FOR ALL TABLES: on a
 * legacy Odoo database that would make every UPDATE/DELETE on a table without a primary key or
 * replica identity fail inside Odoo (notes/cdc.md §2.5). For the same reason a listed table with
 * neither is refused here rather than published. Both transports use this publication (the
 * Debezium connector runs with publication.autocreate.mode=disabled).
 */
export async function ensurePublication(client: pg.ClientBase, options: PublicationOptions): Promise<void> {
  const { name, tables } = options;
  if (!/^ficus_[a-z0-9_]+$/.test(name)) throw new Error(`publication name must be ficus_<purpose>, got ${name}`);
  if (tables.length === 0) throw new Error('a publication needs at least one table');
  await refuseTablesWithoutIdentity(client, tables);
  const list = tables.map((t) => splitQualified(t).map(quoteIdent).join('.')).join(', ');
  const { rows } = await client.query<{ tables: string[] | null }>(
    `SELECT (SELECT array_agg(schemaname || '.' || tablename ORDER BY 1) FROM pg_publication_tables t WHERE t.pubname = p.pubname) AS tables
       FROM pg_publication p WHERE p.pubname = $1`,
    [name],
  );
  if (rows.length === 0) {
    await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${list} WITH (publish = 'insert, update, delete, truncate')`);
    return;
  }
  const current = (rows[0]!.tables ?? []).slice().sort();
  const wanted = tables.map((t) => splitQualified(t).join('.')).sort();
  if (current.join(',') !== wanted.join(',')) await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${list}`);
}

export async function dropPublication(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`);
}

async function refuseTablesWithoutIdentity(client: pg.ClientBase, tables: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ name: string; found: boolean; identity: boolean }>(
    `SELECT k.name,
            c.oid IS NOT NULL AS found,
            c.relreplident = 'f'
              OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident))
              OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)) AS identity
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(name, nsp, rel)
       LEFT JOIN pg_namespace n ON n.nspname = k.nsp
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = k.rel AND c.relkind IN ('r', 'p')`,
    [tables, tables.map((t) => splitQualified(t)[0]), tables.map((t) => splitQualified(t)[1])],
  );
  const missing = rows.filter((r) => !r.found).map((r) => r.name);
  if (missing.length) throw new Error(`tables not found: ${missing.join(', ')}`);
  const bare = rows.filter((r) => !r.identity).map((r) => r.name);
  if (bare.length) {
    throw new Error(`tables without primary key or replica identity cannot be published (their UPDATE/DELETE would fail in Odoo): ${bare.join(', ')}`);
  }
}
