import { sql } from 'kysely';
import { OdooError, valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { ReadableIds } from '../read/read-env.ts';
import { checkFieldNames, displayNames, readRecords } from '../read/read-records.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { readAsUser } from './checked-read.ts';
import { readWithReifiedGroups } from './user-reified-groups.ts';
import { readsWholeRecordset, refuseMissingRecords } from './web-read-missing.ts';
import { searchIds, searchSource } from './search-source.ts';
import type { FieldSpec, Specification } from './web-read-spec.ts';

export type { FieldSpec, Specification } from './web-read-spec.ts';

type Values = Record<string, unknown>;

/** How a many2one_reference names its model (the Python `model_field`, not in ir_model_fields). */
const MODEL_FIELDS: Readonly<Record<string, string>> = {
  'ir.model.data.res_id': 'model',
  'mail.message.res_id': 'model',
  'mail.mail.res_id': 'model',
};

/**
 * `web_read(specification)` (addons/web/models/models.py, 18). Every level is a `read` of its
 * own model as the user — the model's read right and the user's record rules — so a nested
 * specification reaches no record the user could not `read` directly (an inaccessible
 * many2one target fails the call with AccessError, as in Odoo). Only `display_name` of a
 * many2one target is read as superuser, as Odoo does. A specification of ids only reads
 * nothing (Odoo builds `{id}` dicts without a query).
 */
export function webRead(ctx: CallContext, model: ModelInfo, ids: readonly number[], spec: unknown): Promise<Values[]> {
  return webReadWith(ctx, model, ids, spec, (names) => readAsUser(ctx, model, ids, names, null), ids);
}

/** `web_read` of the ids a rule-filtered search just found (web_search_read): no second rule check. */
export function webReadFound(ctx: CallContext, model: ModelInfo, ids: ReadableIds, spec: unknown): Promise<Values[]> {
  return webReadWith(ctx, model, ids, spec, (names) => readRecords(ctx.readEnv(), model, { kind: 'ids', ids }, names, ctx.readOptions(null)));
}

/** `selfIds`: the recordset `web_read` was called on, when it may hold ids without a row (web-read-missing.ts). */
async function webReadWith(ctx: CallContext, model: ModelInfo, ids: readonly number[], spec: unknown, read: (names: string[]) => Promise<Values[]>, selfIds?: readonly number[]): Promise<Values[]> {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw valueError('specification must be a dict');
  const specification = spec as Specification;
  const names = Object.keys(specification);
  const idsOnly = !names.length || (names.length === 1 && names[0] === 'id');
  const shared = new Map<number, Values>();
  // `read(fields)` checks the fields' groups (access/field-groups.ts) before anything, even with no ids.
  if (!idsOnly) ctx.fieldAccess.check(model, 'read', names, ids);
  const records: Values[] = idsOnly
    ? ids.map((id) => shared.get(id) ?? shared.set(id, { id }).get(id)!)
    : model.name === 'res.users'
      ? await readWithReifiedGroups(ctx, names, (fields) => read(checkFieldNames(model, fields ?? [])))
      : await read(checkFieldNames(model, names));
  if (!records.length) return records;
  // A repeated id answers the same dict again (read shares them): nest each record once.
  const distinct = idsOnly ? records : [...new Set(records)];
  for (const [name, fieldSpec] of Object.entries(specification)) {
    const field = model.fields.get(name);
    if (!field || !fieldSpec || typeof fieldSpec !== 'object') continue;
    if (selfIds && readsWholeRecordset(model, field, fieldSpec)) await refuseMissingRecords(ctx, model, field, selfIds);
    if (field.type === 'many2one') await nestMany2one(ctx, field, distinct, fieldSpec);
    else if (field.type === 'one2many' || field.type === 'many2many') await nestX2many(ctx, field, distinct, fieldSpec);
    else if (field.type === 'reference' || field.type === 'many2one_reference') await nestReference(ctx, model, field, distinct, fieldSpec);
  }
  return records;
}

/** Many2one ids in `records` replaced by the `{id, ...}` dicts web_read answers for `fieldSpec.fields` (left as ids without it). */
export async function nestMany2one(ctx: CallContext, field: FieldInfo, records: Values[], fieldSpec: FieldSpec): Promise<void> {
  if (!fieldSpec.fields || typeof fieldSpec.fields !== 'object') return;
  const comodel = comodelOf(ctx, field);
  const targets = unique(records.map((r) => r[field.name]).filter((v): v is number => typeof v === 'number'));
  const { display_name: wantsName, ...extra } = fieldSpec.fields;
  const byId = new Map((await webRead(ctx, comodel, targets, extra)).map((v) => [v.id as number, v]));
  if (wantsName !== undefined) {
    const names = await displayNames(ctx.readEnv({ sudo: true }), comodel, targets);
    for (const id of targets) {
      const values = byId.get(id) ?? { id };
      values.display_name = names.get(id) ?? false;
      byId.set(id, values);
    }
  }
  for (const record of records) {
    const target = record[field.name];
    if (typeof target === 'number') record[field.name] = byId.get(target) ?? { id: target };
  }
}

async function nestX2many(ctx: CallContext, field: FieldInfo, records: Values[], fieldSpec: FieldSpec): Promise<void> {
  if (!Object.keys(fieldSpec).length) return;
  const comodel = comodelOf(ctx, field);
  const idsOf = (record: Values) => (Array.isArray(record[field.name]) ? (record[field.name] as number[]) : []);
  if (typeof fieldSpec.order === 'string' && fieldSpec.order) {
    const all = unique(records.flatMap(idsOf));
    const ordered = await searchIds(ctx, comodel, searchSource(ctx, comodel, [['id', 'in', all]], { order: fieldSpec.order, limit: null, offset: 0 }));
    const rank = new Map(ordered.map((id, i) => [id, i]));
    for (const record of records) record[field.name] = idsOf(record).filter((id) => rank.has(id)).sort((a, b) => rank.get(a)! - rank.get(b)!);
  }
  if (!fieldSpec.fields || typeof fieldSpec.fields !== 'object') return;
  const limit = typeof fieldSpec.limit === 'number' ? fieldSpec.limit : null;
  const wanted = unique(records.flatMap((r) => (limit === null ? idsOf(r) : idsOf(r).slice(0, Math.max(limit, 0)))));
  const byId = new Map((await webRead(ctx, comodel, wanted, fieldSpec.fields)).map((v) => [v.id as number, v]));
  for (const record of records) record[field.name] = idsOf(record).map((id) => byId.get(id) ?? { id });
}

/**
 * reference / many2one_reference: each target read with `web_read` as the user; a target the
 * user may not read shows as `{id, display_name: "You don't have access to this record"}`, a
 * missing one as False (Odoo 18's web_read).
 */
async function nestReference(ctx: CallContext, model: ModelInfo, field: FieldInfo, records: Values[], fieldSpec: FieldSpec): Promise<void> {
  const modelField = field.type === 'many2one_reference' ? MODEL_FIELDS[`${model.name}.${field.name}`] ?? 'res_model' : null;
  const targetModels = modelField ? await modelNames(ctx, model, modelField, records.map((r) => r.id as number)) : null;
  for (const record of records) {
    const target = referenceTarget(record[field.name], targetModels?.get(record.id as number));
    if (!target) continue;
    const comodel = ctx.registry.model(target.model);
    const wanted = fieldSpec.fields && typeof fieldSpec.fields === 'object' ? fieldSpec.fields : null;
    let read: Values[] = [];
    let exists: boolean;
    if (comodel?.table && wanted) {
      try {
        read = await webRead(ctx, comodel, [target.id], wanted);
      } catch (error) {
        if (!(error instanceof OdooError) || error.exceptionName !== 'odoo.exceptions.AccessError') throw error;
        read = [{ id: target.id, display_name: "You don't have access to this record" }];
      }
      exists = Object.keys(wanted).some((name) => name !== 'id') ? read.length > 0 : await recordExists(ctx, comodel, target.id);
    } else {
      exists = !!comodel?.table && (await recordExists(ctx, comodel, target.id));
    }
    if (!exists) {
      record[field.name] = false;
      if (modelField) record[modelField] = false;
      continue;
    }
    if (wanted) {
      const values = read[0]!;
      if (field.type === 'reference') values.id = { id: target.id, model: target.model };
      record[field.name] = values;
    }
  }
}

function referenceTarget(value: unknown, modelName: string | undefined): { model: string; id: number } | null {
  if (typeof value === 'string') {
    const [model, id] = value.split(',');
    const n = Number(id);
    return model && Number.isInteger(n) && n > 0 ? { model, id: n } : null;
  }
  if (typeof value === 'number' && value > 0 && modelName) return { model: modelName, id: value };
  return null;
}

async function modelNames(ctx: CallContext, model: ModelInfo, modelField: string, ids: number[]): Promise<Map<number, string>> {
  const column = model.fields.get(modelField)?.column;
  if (!column || !model.table) return new Map();
  const rows = await run<{ id: number; name: string | null }>(ctx.db, sql`SELECT id, ${sql.ref(column)} AS name FROM ${sql.table(model.table)} WHERE id = ANY(${ids}::int4[])`);
  return new Map(rows.filter((r) => r.name).map((r) => [r.id, r.name!]));
}

/** `exists()`: existence only, no rules (Odoo's exists() reads no field). */
async function recordExists(ctx: CallContext, model: ModelInfo, id: number): Promise<boolean> {
  const rows = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table!)} WHERE id = ${id}`);
  return rows.length > 0;
}

function comodelOf(ctx: CallContext, field: FieldInfo): ModelInfo {
  const comodel = ctx.registry.model(field.relation ?? '');
  if (!comodel) throw valueError(`Invalid field '${field.name}' on model '${field.model}'`);
  return comodel;
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}
