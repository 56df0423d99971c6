import { ACCESS_MODELS } from '../access/access-policy.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { ident, requireTable, type WriteEnv } from './write-env.ts';

/**
 * What Odoo does after rows change, in the order it does it: recompute the stored computes
 * that changed (registered behaviour only — the callers refuse earlier when one is missing),
 * run the registered Python constraints, and drop cached access decisions when the change
 * touched users, groups, ACLs or rules.
 */
export async function afterChange(w: WriteEnv, model: ModelInfo, ids: number[], computes: ReadonlySet<string>, _kind: 'create' | 'write', _vals: Vals[]): Promise<void> {
  if (!ids.length) return;
  for (const field of computes) {
    const compute = w.behaviours.computeOf(model.name, field);
    if (compute) await compute(w.ctx, ids);
  }
  const touched = new Set(_vals.flatMap((v) => Object.keys(v)));
  for (const b of w.behaviours.of(model.name)) await b.constraints?.(w.ctx, ids, touched);
  if (ACCESS_MODELS.has(model.name)) w.onAccessChange?.();
}

/** `_parent_store`: parent_path = parent's path + own id + '/', for the records and their descendants. */
export async function updateParentPath(w: WriteEnv, model: ModelInfo, ids: number[]): Promise<void> {
  const parent = model.parentName;
  if (!parent || !ids.length) return;
  const t = ident(requireTable(model));
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
