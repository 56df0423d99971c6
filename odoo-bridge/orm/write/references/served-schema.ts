import type { Registry } from '../../registry/types.ts';
import type { Queryable } from '../../sql/execute.ts';
import { odooForeignKeys, type OdooForeignKey } from './odoo-foreign-keys.ts';

/**
 * How the served database differs from the monolith's schema where writes care. A service
 * database holds its own tables without foreign keys to rows it does not own (res_users,
 * res_groups… are read-only copies there, synced forward), so the engine does what those keys
 * would: `missing` are Odoo's foreign keys this database lacks, by referencing and by referenced
 * table. `copies` are the tables this database only mirrors: their `id` has no default, because
 * their rows are handed out by the database that owns them (every table Odoo or a service
 * creates has a serial id; copies are made column for column, without defaults).
 */
export interface ServedSchema {
  readonly missing: readonly OdooForeignKey[];
  /** Missing keys by referencing table: what an INSERT/UPDATE there must check. */
  readonly missingFrom: ReadonlyMap<string, readonly OdooForeignKey[]>;
  /** Missing keys by referenced table: what a DELETE there must cascade, null or refuse. */
  readonly missingTo: ReadonlyMap<string, readonly OdooForeignKey[]>;
  /** Odoo's foreign key on `table.column` (present or not): its ondelete for one2many commands. */
  readonly byColumn: ReadonlyMap<string, OdooForeignKey>;
  readonly copies: ReadonlySet<string>;
  /** Tables with an `id` column (a cascade returns the deleted ids for further cascades). */
  readonly withId: ReadonlySet<string>;
}

/** Loaded once per registry (a reloaded registry reloads it): four catalogue reads. */
const cache = new WeakMap<Registry, Promise<ServedSchema>>();

export function servedSchema(registry: Registry, db: Queryable): Promise<ServedSchema> {
  let pending = cache.get(registry);
  if (!pending) {
    pending = loadServedSchema(registry, db);
    cache.set(registry, pending);
    pending.catch(() => cache.delete(registry));
  }
  return pending;
}

async function loadServedSchema(registry: Registry, db: Queryable): Promise<ServedSchema> {
  const tables = await db.query<{ name: string; has_id: boolean; id_default: boolean }>(
    `SELECT c.relname AS name, a.attname IS NOT NULL AS has_id,
            COALESCE(a.atthasdef OR a.attidentity <> '', false) AS id_default
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p')`,
  );
  const present = new Set(tables.rows.map((r) => r.name));
  const physical = await db.query<{ tbl: string; col: string }>(
    `SELECT c.relname AS tbl, a.attname AS col
       FROM pg_constraint fk
       JOIN pg_class c ON c.oid = fk.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = fk.conkey[1]
      WHERE fk.contype = 'f'`,
  );
  const onDelete = present.has('ir_model_fields')
    ? await db.query<{ model: string; name: string; on_delete: string }>(`SELECT model, name, on_delete FROM ir_model_fields WHERE ttype = 'many2one' AND on_delete IS NOT NULL`)
    : { rows: [] };
  const reflected = present.has('ir_model_constraint')
    ? await db.query<{ name: string }>(`SELECT name FROM ir_model_constraint WHERE type = 'f'`)
    : { rows: [] };

  const expected = odooForeignKeys(
    registry,
    present,
    new Map(onDelete.rows.map((r) => [`${r.model}.${r.name}`, r.on_delete])),
    new Set(reflected.rows.map((r) => r.name)),
  );
  const enforced = new Set(physical.rows.map((r) => `${r.tbl}.${r.col}`));
  const missing = expected.filter((fk) => !enforced.has(`${fk.table}.${fk.column}`));
  const copies = new Set(tables.rows.filter((r) => r.has_id && !r.id_default).map((r) => r.name));
  return {
    missing,
    missingFrom: groupBy(missing, (fk) => fk.table),
    missingTo: groupBy(missing, (fk) => fk.target),
    byColumn: new Map(expected.map((fk) => [`${fk.table}.${fk.column}`, fk])),
    copies,
    withId: new Set(tables.rows.filter((r) => r.has_id).map((r) => r.name)),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
