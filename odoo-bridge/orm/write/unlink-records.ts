import { missingBehaviour } from '../../errors.ts';
import { ACCESS_MODELS } from '../access/access-policy.ts';
import type { ModelInfo } from '../registry/types.ts';
import { computesAffectedElsewhere } from './python-computes.ts';
import { existingOrMissingError, missingBeforeAccess } from './missing-records.ts';
import { checkRules, ident, requireTable, type WriteEnv } from './write-env.ts';
import { applyDeleteRules, refuseWriteToCopy } from './references/reference-guard.ts';
import { deleteNamingOdooKey } from './references/key-violation-order.ts';

/**
 * `BaseModel.unlink()` (odoo/models.py 18): ACL, deleted ids (MissingError when something reads
 * them, else skipped: missing-records.ts), unlink rules, the
 * registered `@api.ondelete` hooks, then the DELETE — foreign keys decide the rest
 * (`ondelete='cascade'` lines go, `restrict` raises the ValidationError of
 * `_as_validation_error`; the keys a service database lacks are applied by
 * references/reference-guard.ts) — and the records' external ids and attachment rows.
 */
export async function unlinkRecords(w: WriteEnv, model: ModelInfo, ids: number[], options: { checkAccess?: boolean } = {}): Promise<true> {
  const checkAccess = options.checkAccess ?? true;
  if (ids.length) for (const b of w.behaviours.of(model.name)) await b.refuseUnlink?.(w.ctx, [...new Set(ids)]);
  if (checkAccess) await missingBeforeAccess(w, model, 'unlink', [...new Set(ids)]);
  if (checkAccess) w.ctx.access.checkModel(model, 'unlink');
  const unique = await existingOrMissingError(w, model, 'unlink', [...new Set(ids)], checkAccess);
  if (!unique.length) return true;
  if (checkAccess) await checkRules(w, model, 'unlink', unique);
  await refuseWriteToCopy(w, model, 'unlink');
  for (const b of w.behaviours.of(model.name)) await b.beforeUnlink?.(w.ctx, unique);
  const elsewhere = computesAffectedElsewhere(model.name).filter((c) => !w.behaviours.computeOf(c.model, c.field));
  if (elsewhere.length) throw missingBehaviour(model.name, `unlink (it changes ${elsewhere.map((c) => `${c.model}.${c.field}`).join(', ')})`);

  // PostgreSQL's choice among several broken keys is the dump's; Odoo's is the keys' creation order.
  await deleteNamingOdooKey(w.ctx.db, requireTable(model), unique);
  // Odoo's foreign keys to these rows that this database lacks (a service database): their ON DELETE.
  await applyDeleteRules(w, requireTable(model), unique);
  await w.ctx.db.query(`DELETE FROM ir_model_data WHERE model = $1 AND res_id = ANY($2::int4[])`, [model.name, unique]);
  // A service database serving its models holds no attachments table of its own.
  const attachments = await w.ctx.db.query<{ present: boolean }>(`SELECT to_regclass('ir_attachment') IS NOT NULL AS present`);
  if (attachments.rows[0]?.present) await w.ctx.db.query(`DELETE FROM ir_attachment WHERE res_model = $1 AND res_id = ANY($2::int4[])`, [model.name, unique]);
  for (const b of w.behaviours.of(model.name)) await b.afterUnlink?.(w.ctx, unique);
  if (ACCESS_MODELS.has(model.name)) w.onAccessChange?.();
  return true;
}
