import type pg from 'pg';
import { createCallContext, type CallContext } from '../call-context.ts';
import type { OnchangeComputer } from '../methods/onchange.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { BehaviourRegistry, Vals } from './behaviour-registry.ts';
import { refreshStoredRelated } from './stored-related.ts';
import { splitVals } from './vals-columns.ts';
import { floatScales } from './float-scales.ts';
import { ident } from './write-env.ts';

/** The id a new record has in the sandbox: no row anywhere points at it, as nothing points at Odoo's NewId. */
const NEW_RECORD_ID = -1;

/**
 * Stored computed and stored related fields of a record that is not stored as such (onchange's
 * form values, a new record), computed by the same registered behaviour that computes them on
 * create and write (ModelBehaviour.compute, write/stored-related.ts), so every stored compute
 * Ficus runs is available to onchange without a second implementation.
 *
 * How: in a transaction that is always rolled back, a temporary table of the model's table name
 * (PostgreSQL searches pg_temp first, so the computes' unqualified SQL reaches it) holds one row:
 * the existing record's, or a new one with id -1, with the form's values over it; the computes
 * run on it and the fields are read back from it. Nothing outside the temporary table is kept.
 */
export function onchangeSandbox(behaviours: BehaviourRegistry): OnchangeComputer {
  const computable = (model: ModelInfo, field: FieldInfo): boolean =>
    Boolean(model.table && field.store && field.column && !field.inheritedVia && (field.related ? true : behaviours.computeOf(model.name, field.name)));
  return {
    canCompute: computable,
    async compute(ctx, model, id, states, fields) {
      const pool = ctx.db as Partial<pg.Pool>;
      if (typeof pool.connect !== 'function' || !model.table) throw new Error('onchange sandbox needs the engine pool');
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const tx = await createCallContext({ registry: ctx.registry, db: client, uid: ctx.uid, rawContext: ctx.context, policy: { forUser: async () => ctx.access }, filestore: ctx.filestore });
        await shadowTable(tx, model.table);
        const out: Vals[] = [];
        for (const state of states) out.push(await computeOnce(tx, behaviours, model, id, state, fields));
        return out;
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
  };
}

/** A temporary copy of `table`'s shape (defaults, no constraints, every column nullable) that shadows it for this transaction. */
async function shadowTable(tx: CallContext, table: string): Promise<void> {
  const real = await tx.db.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, [ident(table)]);
  const qualified = `${ident(real.rows[0]?.schema ?? 'public')}.${ident(table)}`;
  await tx.db.query(`CREATE TEMP TABLE ${ident(table)} (LIKE ${qualified} INCLUDING DEFAULTS) ON COMMIT DROP`);
  const notNull = await tx.db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull`,
    [`pg_temp.${ident(table)}`],
  );
  for (const { name } of notNull.rows) await tx.db.query(`ALTER TABLE pg_temp.${ident(table)} ALTER COLUMN ${ident(name)} DROP NOT NULL`);
  shadowSource.set(tx, qualified);
}

/** The real table a sandbox transaction's temporary one shadows (schema-qualified). */
const shadowSource = new WeakMap<CallContext, string>();

async function computeOnce(tx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, id: number | null, state: Vals, fields: readonly string[]): Promise<Vals> {
  const table = `pg_temp.${ident(model.table!)}`;
  const rowId = id ?? NEW_RECORD_ID;
  await tx.db.query(`DELETE FROM ${table}`);
  if (id != null) await tx.db.query(`INSERT INTO ${table} SELECT * FROM ${shadowSource.get(tx)!} WHERE id = $1`, [id]);
  else await tx.db.query(`INSERT INTO ${table} (id) VALUES ($1)`, [rowId]);
  const { columns } = splitVals(model, state, tx.lang, tx.access.companyId, 'write', undefined, await floatScales(tx, model, state));
  const names = [...columns.keys()].filter((n) => model.fields.get(n)?.column);
  if (names.length) {
    const sets = names.map((n, i) => `${ident(model.fields.get(n)!.column!)} = $${i + 2}${model.fields.get(n)!.columnType === 'jsonb' ? '::jsonb' : ''}`);
    await tx.db.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1`, [rowId, ...names.map((n) => columns.get(n))]);
  }
  const w = { ctx: tx, behaviours };
  // Stored related fields from their path (their first hop as the form has it), then the computes:
  // twice, so that a compute reading another stored compute of the same record sees it computed.
  await refreshStoredRelated(w, model, [rowId], id == null ? { create: [{}] } : { write: state });
  const computes = [...model.fields.values()].filter((f) => f.store && !f.related && behaviours.computeOf(model.name, f.name));
  for (let pass = 0; pass < 2; pass++) for (const f of computes) await behaviours.computeOf(model.name, f.name)!(tx, [rowId]);
  const cols = fields.map((n) => `${ident(model.fields.get(n)!.column!)} AS ${ident(n)}`);
  const { rows } = await tx.db.query<Vals>(`SELECT ${cols.join(', ')} FROM ${table} WHERE id = $1`, [rowId]);
  return rows[0] ?? {};
}
