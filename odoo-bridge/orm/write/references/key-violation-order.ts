import type { Queryable } from '../../sql/execute.ts';
import { ident } from '../write-env.ts';

/**
 * Which foreign key Odoo names when a DELETE meets several.
 *
 * PostgreSQL fires a deleted row's foreign-key triggers in the order of their names,
 * `RI_ConstraintTrigger_a_<oid>`: in a database Odoo built, the order the keys were created,
 * module by module as they were installed (base's res_company_currency_id_fkey before
 * account's account_move_currency_id_fkey). A copy restored from a dump recreates the keys in
 * the dump's order (table names), so PostgreSQL alone would name another key than the Odoo the
 * customer runs. Odoo recorded each key as it created it in `ir_model_constraint` (type 'f'),
 * whose ids keep that creation order: on a violation, the key to name is the first, in that
 * order, that the rows break — a `restrict`/`no action` key holding one of them, or a
 * `set null` key on a NOT NULL column (the not-null violation of the referencing model).
 */
export interface KeyViolation {
  code: '23503' | '23502';
  table: string;
  constraint: string;
  column: string;
}

interface ReferencingKey {
  name: string;
  table: string;
  column: string;
  on_delete: string;
  not_null: boolean;
}

export async function firstViolatedKey(db: Queryable, table: string, ids: readonly number[]): Promise<KeyViolation | null> {
  const keys = await db.query<ReferencingKey>(
    `SELECT c.conname AS name, r.relname AS table, a.attname AS column, c.confdeltype AS on_delete, a.attnotnull AS not_null
       FROM pg_constraint c
       JOIN pg_class r ON r.oid = c.conrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       LEFT JOIN LATERAL (SELECT min(m.id) AS id FROM ir_model_constraint m WHERE m.name = c.conname AND m.type = 'f') m ON true
      WHERE c.contype = 'f' AND c.confrelid = to_regclass($1) AND cardinality(c.conkey) = 1
      ORDER BY m.id NULLS LAST, c.oid`,
    [ident(table)],
  );
  for (const key of keys.rows) {
    const breaks = key.on_delete === 'a' || key.on_delete === 'r' || (key.on_delete === 'n' && key.not_null);
    if (!breaks) continue;
    // A row of the table itself that goes too does not hold the key (a self-reference among the deleted ids).
    const alsoDeleted = key.table === table ? ' AND NOT (id = ANY($1::int4[]))' : '';
    const held = await db.query(`SELECT 1 FROM ${ident(key.table)} WHERE ${ident(key.column)} = ANY($1::int4[])${alsoDeleted} LIMIT 1`, [ids]);
    if (!held.rowCount) continue;
    return { code: key.on_delete === 'n' ? '23502' : '23503', table: key.table, constraint: key.name, column: key.column };
  }
  return null;
}

/**
 * The DELETE of `ids` from `table` under a savepoint: when PostgreSQL refuses it for a foreign
 * key or a NOT NULL a `set null` key meets, the violation reported is Odoo's (firstViolatedKey),
 * as a PostgreSQL-shaped error for sql-errors.ts to word.
 */
export async function deleteNamingOdooKey(db: Queryable, table: string, ids: readonly number[]): Promise<void> {
  await db.query('SAVEPOINT ficus_unlink');
  try {
    await db.query(`DELETE FROM ${ident(table)} WHERE id = ANY($1::int4[])`, [ids]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== '23503' && code !== '23001' && code !== '23502') throw error;
    await db.query('ROLLBACK TO SAVEPOINT ficus_unlink');
    const odoo = await firstViolatedKey(db, table, ids);
    if (!odoo) throw error;
    throw Object.assign(new Error(`${odoo.constraint} on ${odoo.table}`), odoo);
  }
  await db.query('RELEASE SAVEPOINT ficus_unlink');
}
