import type { Queryable } from '../../modules/queryable.ts';
import type { ModulePlan } from '../module-plan.ts';
import { serviceReferenceTables } from './reference-tables.ts';

/** What the monolith's foreign key does to the referring rows when the row it names is deleted (pg_constraint.confdeltype). */
export type DeleteAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action';

export const DELETE_ACTIONS: Readonly<Record<string, DeleteAction>> = { c: 'cascade', n: 'set null', d: 'set default', r: 'restrict', a: 'no action' };

/** The actions a service database carries out itself; restrict and no action only refuse on the monolith (reconcile shows a row left naming a deleted one). */
export const ACTING_DELETE_ACTIONS: readonly DeleteAction[] = ['cascade', 'set null', 'set default'];

/**
 * One foreign key of the monolith that crosses the cut inside a service database: from a table of
 * one of the service's modules to a table the database holds as a reference copy, or as another of
 * its modules' tables (that module may be on the other side of the cut: its rows then arrive by
 * its forward sync, not by the service's own engine).
 */
export interface DeleteRule {
  /** The constraint's name on the monolith. */
  constraint: string;
  /** The referring table (legacy name, schema public), of module `module`. */
  table: string;
  module: string;
  columns: string[];
  /** The referenced table. */
  references: string;
  referencedColumns: string[];
  action: DeleteAction;
  /** The columns a set null / set default changes (PostgreSQL 15's column list, else every column of the key). */
  setColumns: string[];
  /** How the service database holds the referenced table: a reference copy, or the table of another of its modules (its code). */
  heldAs: { kind: 'reference copy' } | { kind: 'module'; module: string };
}

interface ForeignKeyRow {
  constraint: string;
  table: string;
  references: string;
  action: string;
  columns: string[];
  referenced_columns: string[];
  set_columns: string[] | null;
}

/** Every foreign key between two tables of schema public, from the catalog (columns in key order). */
export async function readForeignKeys(legacy: Queryable, tables: readonly string[]): Promise<ForeignKeyRow[]> {
  const setColumns = await legacy.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'pg_catalog.pg_constraint'::regclass AND attname = 'confdelsetcols') AS present`,
  );
  // confdelsetcols exists from PostgreSQL 15 on; the column list of SET NULL (col) / SET DEFAULT (col).
  const setColumnsSql = setColumns.rows[0]?.present
    ? `CASE WHEN cardinality(c.confdelsetcols) > 0 THEN ARRAY(SELECT a.attname::text FROM unnest(c.confdelsetcols) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) END`
    : 'NULL::text[]';
  const { rows } = await legacy.query<ForeignKeyRow>(
    `SELECT c.conname::text AS constraint, t.relname::text AS table, r.relname::text AS references, c.confdeltype::text AS action,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS referenced_columns,
            ${setColumnsSql} AS set_columns
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class r ON r.oid = c.confrelid
      WHERE c.contype = 'f' AND t.relnamespace = 'public'::regnamespace AND r.relnamespace = 'public'::regnamespace
        AND t.relname = ANY($1::text[])
      ORDER BY t.relname, c.conname`,
    [tables],
  );
  return rows;
}

/**
 * The delete rules of `service`, read from the monolith's foreign keys: every key from a table of
 * the service's modules (models' tables and many2many relation tables) to a table the service
 * database holds that is not the same module's (`referenceTables`: the service's reference copies,
 * serviceReferenceTables by default). A key inside one module needs none: the module's rows move
 * together (one forward reader before its cutover, the service's own engine after). Sorted by
 * table, then constraint.
 */
export async function deriveDeleteRules(
  legacy: Queryable,
  plans: ReadonlyMap<string, ModulePlan>,
  service: string,
  referenceTables: readonly string[] = serviceReferenceTables(plans, service),
): Promise<DeleteRule[]> {
  const moduleOfTable = new Map<string, string>();
  for (const plan of plans.values()) if (plan.service === service) for (const table of plan.tables) moduleOfTable.set(table, plan.code);
  const copies = new Set(referenceTables.map((t) => t.replace(/^public\./, '')));
  const rules: DeleteRule[] = [];
  for (const key of await readForeignKeys(legacy, [...moduleOfTable.keys()])) {
    const module = moduleOfTable.get(key.table)!;
    const referencedModule = moduleOfTable.get(key.references);
    const heldAs: DeleteRule['heldAs'] | null = copies.has(key.references)
      ? { kind: 'reference copy' }
      : referencedModule && referencedModule !== module
        ? { kind: 'module', module: referencedModule }
        : null;
    if (!heldAs) continue;
    const action = DELETE_ACTIONS[key.action];
    if (!action) throw new Error(`foreign key ${key.constraint} on ${key.table}: unknown ON DELETE action '${key.action}'`);
    rules.push({
      constraint: key.constraint, table: key.table, module, columns: key.columns, references: key.references,
      referencedColumns: key.referenced_columns, action, setColumns: key.set_columns ?? key.columns, heldAs,
    });
  }
  return rules;
}

/** Counts per action, for views and logs. */
export function countByAction(rules: readonly DeleteRule[]): Record<DeleteAction, number> {
  const counts: Record<DeleteAction, number> = { cascade: 0, 'set null': 0, 'set default': 0, restrict: 0, 'no action': 0 };
  for (const rule of rules) counts[rule.action]++;
  return counts;
}
