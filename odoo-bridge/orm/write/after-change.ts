import { precomputedFields } from './precomputed-fields.ts';
import { userError } from '../../errors.ts';
import { ACCESS_MODELS } from '../access/access-policy.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { validateAfterFlush } from './python-constraints.ts';
import { ident, requireTable, type WriteEnv } from './write-env.ts';

/**
 * What Odoo does after rows change, in the order it does it: recompute the stored computes
 * that changed (registered behaviour only — the callers refuse earlier when one is missing),
 * run the Python constraints that check after the flush (python-constraints.ts), and drop cached access decisions when the change
 * touched users, groups, ACLs or rules.
 */
export async function afterChange(w: WriteEnv, model: ModelInfo, ids: number[], computes: ReadonlySet<string>, kind: 'create' | 'write', vals: Vals[]): Promise<void> {
  if (!ids.length) return;
  // write protects every written field on the records (models.py write: `env.protecting(...)`);
  // create the computed fields given that are editable or precomputed (`field.compute and (not
  // field.readonly or field.precompute)`: utm.campaign's name): a readonly computed value given
  // to create is recomputed (res.partner commercial_partner_id).
  const precomputed = kind === 'create' ? new Set(precomputedFields(w.ctx.registry, model)) : new Set<string>();
  const givenToCreate = (given: Vals | undefined) => Object.keys(given ?? {}).filter((name) => computes.has(name) && (!model.fields.get(name)?.readonly || precomputed.has(name)));
  const protect = new Map(ids.map((id, i) => [id, new Set(kind === 'write' ? Object.keys(vals[0] ?? {}) : givenToCreate(vals[i]))]));
  for (const field of computes) {
    const compute = w.behaviours.computeOf(model.name, field);
    if (compute) await compute(w.ctx, ids, protect);
  }
  await validateAfterFlush(w, model, ids, kind, vals);
  if (ACCESS_MODELS.has(model.name)) w.onAccessChange?.();
}

/**
 * `_parent_store` (odoo/models.py `_parent_store_update`): parent_path = parent's path + own id +
 * '/', for the records and their descendants. A new parent whose path already holds one of the
 * records is a cycle, whichever side wrote it (`parent_id` on the child, `(4, ancestor)` into the
 * parent's `child_ids`): UserError "Recursion Detected.", before any Python constraint (which
 * flushes, in Odoo, through `_has_cycle`).
 */
export async function updateParentPath(w: WriteEnv, model: ModelInfo, ids: number[]): Promise<void> {
  const parent = model.parentName;
  if (!parent || !ids.length) return;
  const t = ident(requireTable(model));
  const prefixes = await w.ctx.db.query<{ prefix: string | null }>(
    `SELECT DISTINCT p.parent_path AS prefix FROM ${t} c JOIN ${t} p ON p.id = c.${ident(parent)} WHERE c.id = ANY($1::int4[])`,
    [ids],
  );
  const moving = new Set(ids);
  for (const { prefix } of prefixes.rows) {
    if (prefix && prefix.split('/').slice(0, -1).some((label) => moving.has(Number(label)))) throw userError('Recursion Detected.');
  }
  for (const id of ids) {
    const old = await w.ctx.db.query<{ parent_path: string | null }>(`SELECT parent_path FROM ${t} WHERE id = $1`, [id]);
    const fresh = await w.ctx.db.query<{ path: string }>(
      `SELECT COALESCE((SELECT p.parent_path FROM ${t} p WHERE p.id = c.${ident(parent)}), '') || c.id || '/' AS path FROM ${t} c WHERE c.id = $1`,
      [id],
    );
    const oldPath = old.rows[0]?.parent_path;
    const newPath = fresh.rows[0]!.path;
    await w.ctx.db.query(`UPDATE ${t} SET parent_path = $2 WHERE id = $1`, [id, newPath]);
    if (oldPath && oldPath !== newPath) {
      await w.ctx.db.query(`UPDATE ${t} SET parent_path = $2 || substr(parent_path, length($1) + 1) WHERE parent_path LIKE $1 || '_%'`, [oldPath, newPath]);
    }
  }
}

/**
 * The same cycle check before anything is written (Odoo raises it at the flush of the write,
 * whatever else the write would need): the new parent is one of the records or below one.
 */
export async function refuseParentCycle(w: WriteEnv, model: ModelInfo, ids: number[], newParent: unknown): Promise<void> {
  if (typeof newParent !== 'number' || !ids.length) return;
  if (ids.includes(newParent)) throw userError('Recursion Detected.');
  const r = await w.ctx.db.query<{ parent_path: string | null }>(`SELECT parent_path FROM ${ident(requireTable(model))} WHERE id = $1`, [newParent]);
  const labels = (r.rows[0]?.parent_path ?? '').split('/').slice(0, -1).map(Number);
  if (labels.some((id) => ids.includes(id))) throw userError('Recursion Detected.');
}
