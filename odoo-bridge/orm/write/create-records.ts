import { missingBehaviour } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { collectDefaults } from './defaults.ts';
import { columnValue } from './field-values.ts';
import { computesAffectedElsewhere, storedComputedFields } from './python-computes.ts';
import { MODEL_SEQUENCES, nextByCode } from './sequences.ts';
import { applyX2manyCommands } from './x2many-commands.ts';
import { checkFieldNames, checkRules, ident, requireTable, type WriteEnv } from './write-env.ts';
import type { Vals } from './behaviour-registry.ts';
import { afterChange, updateParentPath } from './after-change.ts';

/**
 * `BaseModel.create(vals_list)` (odoo/models.py 18): ACL, defaults, the addon's create
 * override (sequence, registered hooks), `_inherits` parents first, one INSERT per record
 * with log columns, x2many commands, stored computes and constraints through registered
 * behaviour, then the create record rules on the new rows.
 */
export async function createRecords(w: WriteEnv, model: ModelInfo, valsList: Vals[], options: { checkAccess?: boolean } = {}): Promise<number[]> {
  const checkAccess = options.checkAccess ?? true;
  if (checkAccess) w.ctx.access.checkModel(model, 'create');
  const table = requireTable(model);
  for (const vals of valsList) checkFieldNames(model, vals);
  const behaviours = w.behaviours.of(model.name);

  const prepared: Vals[] = [];
  for (const vals of valsList) prepared.push({ ...(await collectDefaults(w, model)), ...vals });

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

  // Stored computes the rows need and no registered behaviour provides: refuse rather than store a wrong value.
  const needed = storedComputedFields(model).filter((f) => prepared.some((v) => !(f in v)) && !w.behaviours.computeOf(model.name, f));
  if (needed.length) throw missingBehaviour(model.name, `create (stored computed field${needed.length > 1 ? 's' : ''} ${needed.join(', ')})`);
  const elsewhere = computesAffectedElsewhere(model.name).filter((c) => !w.behaviours.computeOf(c.model, c.field));
  if (elsewhere.length) throw missingBehaviour(model.name, `create (it changes ${elsewhere.map((c) => `${c.model}.${c.field}`).join(', ')})`);

  const ids: number[] = [];
  for (const vals of prepared) {
    const { columns, x2many, parents } = splitVals(model, vals, w.ctx.lang, w.ctx.access.companyId);
    for (const [parentModel, fk] of model.inherits) {
      const parentVals = parents.get(parentModel) ?? {};
      if (columns.has(fk) && columns.get(fk) != null) {
        if (Object.keys(parentVals).length) await (await import('./update-records.ts')).updateRecords(w, w.ctx.registry.model(parentModel)!, [columns.get(fk) as number], parentVals);
        continue;
      }
      const parent = w.ctx.registry.model(parentModel);
      if (!parent) continue;
      const [parentId] = await createRecords(w, parent, [parentVals], { checkAccess });
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
    const inserted = await w.ctx.db.query<{ id: number }>(text, params);
    const id = inserted.rows[0]!.id;
    ids.push(id);
    if (model.parentStore) await updateParentPath(w, model, [id]);
    for (const [name, commands] of x2many) await applyX2manyCommands(w, model, model.fields.get(name)!, [id], commands, 'create');
  }

  await afterChange(w, model, ids, new Set(storedComputedFields(model)), 'create', prepared);
  for (const b of behaviours) await b.afterCreate?.(w.ctx, ids, prepared);
  if (checkAccess) await checkRules(w, model, 'create', ids);
  return ids;
}

/** jsonb and array parameters need an explicit cast in a parameterised INSERT/UPDATE. */
export function castOf(field: FieldInfo | undefined): string {
  if (!field?.columnType) return '';
  return field.columnType === 'jsonb' ? '::jsonb' : '';
}

/**
 * vals → SQL columns of this table, x2many commands, and values of `_inherits` parents.
 * Non-stored computed fields without a column (display_name…) are ignored, as Odoo does when
 * they have no inverse.
 */
export function splitVals(model: ModelInfo, vals: Vals, lang: string, companyId: number | null, existingJson?: Map<string, unknown>): {
  columns: Map<string, unknown>;
  x2many: Map<string, unknown>;
  parents: Map<string, Vals>;
} {
  const columns = new Map<string, unknown>();
  const x2many = new Map<string, unknown>();
  const parents = new Map<string, Vals>();
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields.get(name)!;
    if (name === 'id' || (model.logAccess && ['create_uid', 'create_date', 'write_uid', 'write_date'].includes(name))) continue;
    if (field.inheritedVia) {
      const parentModel = [...model.inherits].find(([, fk]) => fk === field.inheritedVia)?.[0];
      if (parentModel) {
        let p = parents.get(parentModel);
        if (!p) parents.set(parentModel, (p = {}));
        p[name] = value;
      }
      continue;
    }
    if (field.type === 'one2many' || field.type === 'many2many') {
      if (field.store || field.type === 'one2many') x2many.set(name, value);
      continue;
    }
    if (field.attachment) throw missingBehaviour(model.name, `writing the attachment-stored binary field ${name}`);
    if (!field.column) continue;
    const converted = columnValue(model, field, value, lang, existingJson?.get(name));
    // 18 company-dependent columns are jsonb keyed by company id; the write merges this company's value in.
    columns.set(name, field.companyDependent && field.columnType === 'jsonb' ? JSON.stringify({ [String(companyId ?? 0)]: converted }) : converted);
  }
  return { columns, x2many, parents };
}
