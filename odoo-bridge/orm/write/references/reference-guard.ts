import { userError } from '../../../errors.ts';
import { translated, type FieldInfo, type ModelInfo } from '../../registry/types.ts';
import { foreignKeyViolation } from '../sql-errors.ts';
import { ident, type WriteEnv } from '../write-env.ts';
import type { OdooForeignKey } from './odoo-foreign-keys.ts';
import { servedSchema } from './served-schema.ts';

/**
 * What Odoo's foreign keys do, done by the engine where the served database lacks them (a
 * service database keeps no key to the monolith's rows, served-schema.ts): the same checks at
 * the same moment (right after the statement that would have fired them, inside the call's
 * transaction) and the same error. Where the database has the key, PostgreSQL does it and this
 * costs nothing; where it has not, it is never skipped.
 */

/** The columns `create_uid`/`write_uid` carry the calling user, whom the monolith authenticated. */
const LOG_COLUMNS = new Set(['create_uid', 'write_uid']);

/**
 * After an INSERT or UPDATE of `table` with `values` (column → id, or ids for a relation table):
 * each referenced row must exist. One indexed query per referenced table and write. No
 * FOR KEY SHARE lock as PostgreSQL's own check takes: the referenced rows here are copies the
 * reference sync keeps updating, and locking them in a REPEATABLE READ call would fail it on
 * every concurrent update of the row; a delete racing this write in the owner's database is
 * caught there, by its key, and parked by the reverse sync (cdc/apply/parked-changes.ts).
 * Raises Odoo's ForeignKeyViolation text (golden seq_tokens#15) for the first key, by name, that
 * points nowhere.
 */
export async function checkReferencedRows(w: WriteEnv, table: string, values: ReadonlyMap<string, unknown>): Promise<void> {
  const violated = await danglingReferences(w, table, values);
  if (!violated) return;
  if (mayWaitForCopies(w.ctx)) throw new ReferenceNotCopiedYet();
  throw violation(w, violated, violated.table);
}

/**
 * Before a create's INSERT: a reference to a row the copy lacks (yet) retries the call on a fresh
 * snapshot while the wait is open (no id is spent on an attempt that is tried again); once it is
 * closed the INSERT goes ahead and checkReferencedRows gives Odoo's error, one id spent as in Odoo.
 *
 * Answers whether every referenced row was found. The wait is only open inside the engine's
 * REPEATABLE READ call transaction (transaction.ts), whose snapshot is fixed: the same query right
 * after the INSERT would find the same rows (an INSERT removes none), so the caller may skip
 * checkReferencedRows for this row: one query per create instead of two on a service copy.
 */
export async function awaitReferencedCopies(w: WriteEnv, table: string, values: ReadonlyMap<string, unknown>): Promise<'all found' | 'not checked'> {
  if (!mayWaitForCopies(w.ctx)) return 'not checked';
  if (await danglingReferences(w, table, values)) throw new ReferenceNotCopiedYet();
  return 'all found';
}

/**
 * A referenced row missing from this database's copy may exist in the monolith and not be copied
 * yet (a user created a moment ago: the reference sync trails by milliseconds to a second). The
 * write transaction (transaction.ts) then tries the call again on a fresh snapshot until its wait
 * closes; only after that is the missing row Odoo's ForeignKeyViolation.
 */
export class ReferenceNotCopiedYet extends Error {
  constructor() {
    super('a referenced row is not in this database\'s copy (yet)');
    this.name = 'ReferenceNotCopiedYet';
  }
}

const copyWaitUntil = new WeakMap<object, number>();

/** transaction.ts: this call may wait for copies until `until` (ms since the epoch). */
export function openCopyWait(ctx: object, until: number): void {
  copyWaitUntil.set(ctx, until);
}

function mayWaitForCopies(ctx: object): boolean {
  const until = copyWaitUntil.get(ctx);
  return until !== undefined && Date.now() < until;
}

/** The first of Odoo's keys (by name, as PostgreSQL checks them) whose referenced row is missing. */
async function danglingReferences(w: WriteEnv, table: string, values: ReadonlyMap<string, unknown>): Promise<OdooForeignKey | undefined> {
  const schema = await servedSchema(w.ctx.registry, w.ctx.db);
  const keys = schema.missingFrom.get(table);
  if (!keys) return undefined;
  const byTarget = new Map<string, { ids: Set<number>; keys: { fk: OdooForeignKey; ids: number[] }[] }>();
  for (const fk of keys) {
    if (LOG_COLUMNS.has(fk.column)) continue;
    const ids = idsIn(values.get(fk.column));
    if (!ids.length) continue;
    let entry = byTarget.get(fk.target);
    if (!entry) byTarget.set(fk.target, (entry = { ids: new Set(), keys: [] }));
    for (const id of ids) entry.ids.add(id);
    entry.keys.push({ fk, ids });
  }
  const violated: OdooForeignKey[] = [];
  for (const [target, entry] of byTarget) {
    const found = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(target)} WHERE id = ANY($1::int4[])`, [[...entry.ids]]);
    const existing = new Set(found.rows.map((r) => r.id));
    for (const { fk, ids } of entry.keys) if (ids.some((id) => !existing.has(id))) violated.push(fk);
  }
  // PostgreSQL checks a row's keys in the order they were created; by name is as close as the schema tells.
  violated.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return violated.length ? first(violated) : undefined;
}

/**
 * After a DELETE of `ids` from `table`: what Odoo's keys pointing at it would have done to rows
 * of this database that reference them — `restrict` refuses (the referencing model's
 * ForeignKeyViolation), `set null` clears, `cascade` deletes and goes on from the deleted rows.
 * Plain SQL, as PostgreSQL's own actions: no ORM hooks run for the rows a cascade removes.
 */
export async function applyDeleteRules(w: WriteEnv, table: string, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const schema = await servedSchema(w.ctx.registry, w.ctx.db);
  const keys = schema.missingTo.get(table);
  if (!keys) return;
  for (const fk of keys.filter((k) => k.onDelete === 'restrict')) {
    const held = await w.ctx.db.query(`SELECT 1 FROM ${ident(fk.table)} WHERE ${ident(fk.column)} = ANY($1::int4[]) LIMIT 1`, [ids]);
    if (held.rowCount) throw violation(w, fk, fk.table);
  }
  for (const fk of keys.filter((k) => k.onDelete === 'set null')) {
    await w.ctx.db.query(`UPDATE ${ident(fk.table)} SET ${ident(fk.column)} = NULL WHERE ${ident(fk.column)} = ANY($1::int4[])`, [ids]);
  }
  for (const fk of keys.filter((k) => k.onDelete === 'cascade')) {
    if (schema.withId.has(fk.table)) {
      const gone = await w.ctx.db.query<{ id: number }>(`DELETE FROM ${ident(fk.table)} WHERE ${ident(fk.column)} = ANY($1::int4[]) RETURNING id`, [ids]);
      // A row pointing at itself is gone already; the recursion stops at rows nobody references.
      await applyDeleteRules(w, fk.table, gone.rows.map((r) => r.id));
    } else {
      await w.ctx.db.query(`DELETE FROM ${ident(fk.table)} WHERE ${ident(fk.column)} = ANY($1::int4[])`, [ids]);
    }
  }
}

/** Odoo's `ondelete` of the foreign key on `table.column`, whether or not this database has the key. */
export async function onDeleteOf(w: WriteEnv, table: string, column: string): Promise<OdooForeignKey['onDelete'] | undefined> {
  return (await servedSchema(w.ctx.registry, w.ctx.db)).byColumn.get(`${table}.${column}`)?.onDelete;
}

/**
 * Creating, writing or deleting records of a model this database only copies would change a
 * mirror that the owner's next change overwrites, and the owner would never hear of it (for a
 * create, the copy has no id sequence at all). Odoo would do it; Ficus refuses clearly instead,
 * naming the way that works: do it where the model lives, then link the record by id.
 */
export async function refuseWriteToCopy(w: WriteEnv, model: ModelInfo, operation: 'create' | 'write' | 'unlink', via?: FieldInfo): Promise<void> {
  if (!model.table) return;
  const schema = await servedSchema(w.ctx.registry, w.ctx.db);
  if (!schema.copies.has(model.table)) return;
  const verb = operation === 'create' ? 'create' : operation === 'write' ? 'change' : 'delete';
  const label = `${translated(model.description, w.ctx.lang) || model.name} (${model.name})`;
  const from = via ? ` through ${via.model}.${via.name}` : '';
  const hint =
    operation === 'create'
      ? via
        ? ` Create it in the system that owns ${model.name}, then link it by id with (4, id) or (6, 0, ids).`
        : ` Create it in the system that owns ${model.name}.`
      : ` Do it in the system that owns ${model.name}.`;
  throw userError(
    `Ficus cannot ${verb} ${label} records${from} here: this database only holds a read-only copy of ${model.name}, kept in step with the system that owns it.${hint}`,
  );
}

function violation(w: WriteEnv, fk: OdooForeignKey, table: string) {
  return foreignKeyViolation(w.ctx.registry, table, fk.name, w.ctx.lang);
}

function first<T>(items: readonly T[]): T {
  return items[0]!;
}

function idsIn(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return [];
}
