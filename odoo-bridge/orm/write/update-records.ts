import { missingBehaviour } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import { afterChange, refuseParentCycle, updateParentPath } from './after-change.ts';
import { refreshStoredRelated } from './stored-related.ts';
import type { Vals } from './behaviour-registry.ts';
import type { RecordWrites } from './nested-writes.ts';
import { computesAffectedByWrite, computesAffectedElsewhere } from './python-computes.ts';
import { castOf, splitVals } from './vals-columns.ts';
import { floatScales } from './float-scales.ts';
import { applyX2manyCommands } from './x2many-commands.ts';
import { existingOrMissingError, missingBeforeAccess } from './missing-records.ts';
import { checkFieldNames, checkRules, ident, isEmptyValue, recordsetRepr, requireTable, type WriteEnv } from './write-env.ts';
import { missingError } from '../../errors.ts';
import { mailThreadAfterWrite, mailThreadBeforeWrite } from './mail/mail-thread.ts';
import { checkReferencedRows, refuseWriteToCopy } from './references/reference-guard.ts';
import { validateBeforeFlush } from './python-constraints.ts';
import { readsTargetBeforeFlush } from './many2one-target-reads.ts';
import { many2onesAsCached } from './many2one-column-value.ts';

/**
 * `BaseModel.write(vals)` (odoo/models.py 18): ACL, unknown fields, deleted ids (MissingError
 * when something reads them, else skipped: missing-records.ts),
 * write rules, the registered write override, then one UPDATE with write_uid/write_date, the
 * `_inherits` parents' share, x2many commands, parent_path, computes and constraints; around
 * it, mail.thread's tracking (first values kept, the note posted before commit) and followers.
 *
 * Readonly fields are written as Odoo 18 does over RPC (readonly is a view attribute):
 * golden seq_sale#14 writes `amount_total` and reads it back. `writes` carries out the nested
 * writes of x2many commands; callers use record-writes.ts.
 */
export async function updateRecordsWith(writes: RecordWrites, w: WriteEnv, model: ModelInfo, ids: number[], vals: Vals, options: { checkAccess?: boolean } = {}): Promise<true> {
  const checkAccess = options.checkAccess ?? true;
  for (const b of w.behaviours.of(model.name)) await b.refuseWrite?.(w.ctx, ids, vals);
  if (checkAccess) await missingBeforeAccess(w, model, 'write', [...new Set(ids)]);
  if (checkAccess) w.ctx.access.checkModel(model, 'write');
  checkFieldNames(model, vals);
  const unique = await existingOrMissingError(w, model, 'write', [...new Set(ids)], checkAccess, Object.keys(vals), vals);
  if (checkAccess) await checkRules(w, model, 'write', unique);
  // `check_field_access_rights('write', vals)` after the write access check: fields with groups (access/field-groups.ts).
  if (checkAccess && ids.length) w.ctx.fieldAccess.check(model, 'write', Object.keys(vals), ids);
  if (!unique.length || !Object.keys(vals).length) return true;
  await refuseWriteToCopy(w, model, 'write');

  for (const b of w.behaviours.of(model.name)) await b.beforeWrite?.(w.ctx, unique, vals);
  // Field.write puts each value in the cache format first: what follows sees a many2one as Odoo's cache holds it.
  vals = many2onesAsCached(model, vals);
  // Field.write converts each value (in the vals' order) before anything Ficus would refuse runs.
  const { columns, x2many, parents } = splitVals(model, vals, w.ctx.lang, w.ctx.access.companyId, 'write', undefined, await floatScales(w.ctx, model, vals, 'write', unique));
  await checkManyToOneTargets(w, model, vals);
  await mailThreadBeforeWrite(w.ctx, model, unique, vals);

  const written = new Set(Object.keys(vals));
  if (model.parentStore && model.parentName && written.has(model.parentName)) await refuseParentCycle(w, model, unique, vals[model.parentName]);
  const affected = computesAffectedByWrite(model, written).filter((f) => !w.behaviours.computeOf(model.name, f));
  if (affected.length) throw missingBehaviour(model.name, `write of ${[...written].join(', ')} (stored computed field${affected.length > 1 ? 's' : ''} ${affected.join(', ')} depend on it)`);
  const elsewhere = computesAffectedElsewhere(model.name).filter((c) => !w.behaviours.computeOf(c.model, c.field));
  if (elsewhere.length) throw missingBehaviour(model.name, `write (it changes ${elsewhere.map((c) => `${c.model}.${c.field}`).join(', ')})`);

  // `_validate_fields(vals)` on the cache, before the flush: a constraint's ValidationError wins over a CHECK or NOT NULL.
  await validateBeforeFlush(w, model, unique, vals);

  const table = ident(requireTable(model));
  const sets: string[] = [];
  const params: unknown[] = [unique];
  for (const [name, value] of columns) {
    params.push(value);
    const field = model.fields.get(name)!;
    // Translated jsonb: merge the written language into the existing translations.
    sets.push(
      (field.translate || (field.companyDependent && field.columnType === 'jsonb')) && value !== null
        ? `${ident(name)} = COALESCE(${ident(name)}, '{}'::jsonb) || $${params.length}::jsonb`
        : `${ident(name)} = $${params.length}${castOf(field)}`,
    );
  }
  if (model.logAccess) {
    params.push(w.ctx.uid);
    sets.push(`write_uid = $${params.length}`, `write_date = (now() at time zone 'UTC')`);
  }
  if (sets.length) {
    await w.ctx.db.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = ANY($1::int4[])`, params);
    await checkReferencedRows(w, requireTable(model), columns);
  }

  for (const [parentModel, fk] of model.inherits) {
    const parentVals = parents.get(parentModel);
    const parent = w.ctx.registry.model(parentModel);
    if (!parentVals || !parent) continue;
    const rows = await w.ctx.db.query<{ pid: number }>(`SELECT DISTINCT ${ident(fk)} AS pid FROM ${table} WHERE id = ANY($1::int4[])`, [unique]);
    await updateRecordsWith(writes, w, parent, rows.rows.map((r) => r.pid), parentVals, { checkAccess: false });
  }
  for (const [name, commands] of x2many) await applyX2manyCommands(writes, w, model, model.fields.get(name)!, unique, commands, 'write');
  if (model.parentStore && model.parentName && written.has(model.parentName)) await updateParentPath(w, model, unique);

  await refreshStoredRelated(w, model, unique, { write: vals });
  await afterChange(w, model, unique, new Set(computesAffectedByWrite(model, written)), 'write', [vals]);
  for (const b of w.behaviours.of(model.name)) await b.afterWrite?.(w.ctx, unique, vals);
  await mailThreadAfterWrite(w.ctx, model, unique, vals);
  return true;
}

/**
 * Writing a many2one to a record that does not exist: when a stored compute reads the target
 * before the flush (many2one-target-reads.ts), a MissingError naming the comodel record (golden
 * seq_partner#42); otherwise the foreign key, as create meets it (ValidationError, seq_constraints#13).
 */
async function checkManyToOneTargets(w: WriteEnv, model: ModelInfo, vals: Vals): Promise<void> {
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields.get(name);
    if (field?.type !== 'many2one' || isEmptyValue(value) || typeof value !== 'number') continue;
    const comodel = w.ctx.registry.model(field.relation ?? '');
    if (!comodel?.table || !readsTargetBeforeFlush(w.ctx.registry, model, name)) continue;
    const r = await w.ctx.db.query(`SELECT 1 FROM ${ident(comodel.table)} WHERE id = $1`, [value]);
    if (!r.rowCount) throw missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(comodel.name, [value])}, User: ${w.ctx.uid})`);
  }
}
