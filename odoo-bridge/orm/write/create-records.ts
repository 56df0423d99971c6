import { missingBehaviour, type OdooError } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import { collectDefaults } from './defaults.ts';
import { computesAffectedElsewhere, storedComputedFields } from './python-computes.ts';
import { MODEL_SEQUENCES, nextByCode } from './sequences.ts';
import type { RecordWrites } from './nested-writes.ts';
import { castOf, fieldRefusedByDatabase, splitVals } from './vals-columns.ts';
import { insertErrorWithExcerpt, insertRefusalWithExcerpt, type InsertBatch, type RefusedInsertValue } from './insert-refusals.ts';
import { checkCreatedTemporalValues } from './temporal-values.ts';
import { checkPropertiesContainers } from './properties-containers.ts';
import { precomputedFields } from './precomputed-fields.ts';
import { floatScales } from './float-scales.ts';
import { applyX2manyCommands } from './x2many-commands.ts';
import { checkFieldNames, checkRules, ident, requireTable, type WriteEnv } from './write-env.ts';
import type { Vals } from './behaviour-registry.ts';
import { afterChange, updateParentPath } from './after-change.ts';
import { refreshStoredRelated } from './stored-related.ts';
import { withUncachedMany2onesHidden } from './uncached-many2ones.ts';
import { mailThreadAfterCreate } from './mail/mail-thread.ts';
import { refuseUncheckedConstraints } from './python-constraints.ts';
import { awaitReferencedCopies, checkReferencedRows, refuseWriteToCopy } from './references/reference-guard.ts';

/**
 * `BaseModel.create(vals_list)` (odoo/models.py 18): ACL, defaults, the addon's create
 * override (sequence, registered hooks), `_inherits` parents first, one INSERT per record
 * with log columns, x2many commands, stored computes and constraints through registered
 * behaviour, then the create record rules on the new rows, and mail.thread's followers and
 * creation note (mail/mail-thread.ts). `writes` carries out the nested
 * writes (x2many lines, an existing parent's share); callers use record-writes.ts.
 */
export async function createRecordsWith(writes: RecordWrites, w: WriteEnv, model: ModelInfo, valsList: Vals[], options: { checkAccess?: boolean } = {}): Promise<number[]> {
  const checkAccess = options.checkAccess ?? true;
  for (const b of w.behaviours.of(model.name)) await b.refuseCreate?.(w.ctx, valsList);
  if (checkAccess) w.ctx.access.checkModel(model, 'create');
  const table = requireTable(model);
  await refuseWriteToCopy(w, model, 'create');
  for (const vals of valsList) checkFieldNames(model, vals);
  const behaviours = w.behaviours.of(model.name);

  const prepared: Vals[] = [];
  for (const vals of valsList) prepared.push({ ...(await collectDefaults(w, model, vals)), ...vals });
  for (const vals of prepared) await checkPropertiesContainers(w, model, vals);

  const sequence = MODEL_SEQUENCES[model.name];
  const drawFromOwnSource = behaviours.find((b) => b.nextByCode)?.nextByCode;
  if (sequence) {
    for (const vals of prepared) {
      const current = vals[sequence.field];
      if (current && current !== sequence.placeholder) continue;
      if (!sequence.sudo) {
        const seqModel = w.ctx.registry.model('ir.sequence');
        if (seqModel) w.ctx.access.checkModel(seqModel, 'read');
      }
      const drawn = drawFromOwnSource ? await drawFromOwnSource(w.ctx, sequence.code) : await nextByCode(w.ctx.db, sequence.code);
      vals[sequence.field] = drawn || sequence.placeholder || '/';
    }
  }
  for (const b of behaviours) await b.beforeCreate?.(w.ctx, prepared);
  // `_add_precomputed_values`: a model with a precompute field the vals lack builds a new record
  // from them first, so their dates meet Python's checks before the INSERT (else after it).
  const precomputed = precomputedFields(w.ctx.registry, model);
  for (const vals of prepared) if (precomputed.some((name) => !(name in vals))) checkCreatedTemporalValues(model, vals);
  // `_create` converts every value for the INSERT before anything Ficus would refuse runs: a wrong
  // value is Odoo's error, not a refusal. A value PostgreSQL would refuse is its error once every
  // record is converted (Python's errors come first), with the excerpt of Odoo's INSERT of the
  // batch (insert-refusals.ts).
  const converted: Array<ReturnType<typeof splitVals>> = [];
  const roundings: Array<ReadonlyMap<string, number> | undefined> = [];
  let refused: RefusedInsertValue | undefined;
  for (const [row, vals] of prepared.entries()) {
    const scales = await floatScales(w.ctx, model, vals, 'create');
    roundings.push(scales);
    try {
      converted.push(splitVals(model, vals, w.ctx.lang, w.ctx.access.companyId, 'create', undefined, scales));
    } catch (error) {
      const field = fieldRefusedByDatabase(error);
      if (!field) throw error;
      refused ??= { row, field, error: error as OdooError };
      converted.push({ columns: new Map(), x2many: new Map(), parents: new Map() });
    }
  }
  const batch: InsertBatch = { prepared, converted: converted.map((c) => c.columns), roundings };
  if (refused) throw insertRefusalWithExcerpt(w, model, batch, refused, new Date());

  // Stored computes the rows need and no registered behaviour provides: refuse rather than store a wrong value.
  const needed = storedComputedFields(model).filter((f) => prepared.some((v) => !(f in v)) && !w.behaviours.computeOf(model.name, f));
  if (needed.length) throw missingBehaviour(model.name, `create (stored computed field${needed.length > 1 ? 's' : ''} ${needed.join(', ')})`);
  const elsewhere = computesAffectedElsewhere(model.name).filter((c) => !w.behaviours.computeOf(c.model, c.field));
  if (elsewhere.length) throw missingBehaviour(model.name, `create (it changes ${elsewhere.map((c) => `${c.model}.${c.field}`).join(', ')})`);
  // A Python constraint the new rows trigger and Ficus cannot check: refuse before inserting them.
  refuseUncheckedConstraints(w, model, prepared);

  // Odoo's _create inserts every row of the batch first, then fills parent_path, then runs the
  // x2many commands field by field (in the fields' definition order) over all the new records:
  // children created inline get ids after the whole batch, not after their own parent.
  const ids: number[] = [];
  const x2manyOf: Array<Map<string, unknown>> = [];
  for (const [row, vals] of prepared.entries()) {
    const { columns, x2many, parents } = converted[row]!;
    for (const [parentModel, fk] of model.inherits) {
      const parentVals = parents.get(parentModel) ?? {};
      if (columns.has(fk) && columns.get(fk) != null) {
        if (Object.keys(parentVals).length) await writes.update(w, w.ctx.registry.model(parentModel)!, [columns.get(fk) as number], parentVals);
        continue;
      }
      const parent = w.ctx.registry.model(parentModel);
      if (!parent) continue;
      const [parentId] = await createRecordsWith(writes, w, parent, [parentVals], { checkAccess });
      columns.set(fk, parentId);
    }
    if (model.logAccess) {
      columns.set('create_uid', w.ctx.uid);
      columns.set('write_uid', w.ctx.uid);
    }
    const names = [...columns.keys()];
    const params = names.map((n) => columns.get(n));
    const placeholders = names.map((n, i) => `$${i + 1}${castOf(model.fields.get(n))}`);
    if (model.logAccess) {
      names.push('create_date', 'write_date');
      placeholders.push(`(now() at time zone 'UTC')`, `(now() at time zone 'UTC')`);
    }
    const text = names.length
      ? `INSERT INTO ${ident(table)} (${names.map(ident).join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`
      : `INSERT INTO ${ident(table)} DEFAULT VALUES RETURNING id`;
    const referenced = await awaitReferencedCopies(w, table, columns);
    const inserted = await w.ctx.db.query<{ id: number }>(text, params).catch((error: unknown) => {
      throw insertErrorWithExcerpt(w, model, batch, row, error, new Date()) ?? error;
    });
    const id = inserted.rows[0]!.id;
    checkCreatedTemporalValues(model, vals);
    if (referenced !== 'all found') await checkReferencedRows(w, table, columns);
    ids.push(id);
    x2manyOf.push(x2many);
  }
  if (model.parentStore) await updateParentPath(w, model, ids);
  const fieldOrder = [...model.fields.keys()];
  const x2manyFields = [...new Set(x2manyOf.flatMap((x2many) => [...x2many.keys()]))].sort((a, b) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b));
  for (const name of x2manyFields) {
    for (const [i, id] of ids.entries()) {
      if (x2manyOf[i]!.has(name)) await applyX2manyCommands(writes, w, model, model.fields.get(name)!, [id], x2manyOf[i]!.get(name), 'create');
    }
  }

  // The new records' computes and the create overrides (before and after mail.thread's) read
  // many2ones from the cache: one given as no int is empty there (uncached-many2ones.ts); record
  // rules read the rows.
  await withUncachedMany2onesHidden(w, model, ids, prepared, async () => {
    await refreshStoredRelated(w, model, ids, { create: prepared });
    await afterChange(w, model, ids, new Set(storedComputedFields(model)), 'create', prepared);
    for (const b of behaviours) await b.afterCreate?.(w.ctx, ids, prepared);
  });
  if (checkAccess) await checkRules(w, model, 'create', ids);
  await withUncachedMany2onesHidden(w, model, ids, prepared, async () => {
    await mailThreadAfterCreate(w.ctx, model, ids, valsList);
    for (const b of behaviours) await b.afterSuperCreate?.(w.ctx, ids, prepared);
  });
  return ids;
}
