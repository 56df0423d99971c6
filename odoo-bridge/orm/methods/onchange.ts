import { keyError, missingBehaviour, valueError } from '../../errors.ts';
import { PythonFloat, pythonFloat } from '../../wire/xmlrpc/values.ts';
import type { CallContext } from '../call-context.ts';
import { pythonMethodOwners } from '../dispatch/python-methods.ts';
import { usesBaseDisplayName } from '../read/display-name.ts';
import { onchangeWatchedFields } from '../registry/python-field-facts.ts';
import { fieldDepends, isPythonComputed } from '../registry/python-field-facts-depends.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { checkReadable, readAsUser } from './checked-read.ts';
import { META_METHODS } from './meta-methods.ts';
import { idsOf, type MethodSpec } from './method.ts';
import { nestMany2one, type FieldSpec } from './web-read.ts';

type Values = Record<string, unknown>;

const isReifiedGroup = (name: unknown) => typeof name === 'string' && /^(in_group_\d+|in_groups_[\d_]+|sel_groups_[\d_]+)$/.test(name);

/**
 * Python overrides of `onchange` that are `super().onchange(...)` under a condition Ficus checks.
 * base res_users.py: `Users.onchange` only warms the cache with the user's SELF_READABLE_FIELDS
 * (the field access rules already let users read those on themselves), and `UsersView.onchange`
 * rewrites reified group fields (in_group_*, sel_groups_*) into groups_id: none in the spec, in
 * the changed names or in the values, and both are plain super() calls.
 */
const PASS_THROUGH_OVERRIDES: Readonly<Record<string, (spec: readonly string[], changed: readonly unknown[], values: Values) => boolean>> = {
  'res.users': (spec, changed, values) => !spec.some(isReifiedGroup) && !changed.some(isReifiedGroup) && !Object.keys(values).some(isReifiedGroup),
};

/** The log fields a new record has no value for (False in web_read). */
const LOG_FIELDS = new Set(['create_uid', 'create_date', 'write_uid', 'write_date']);

/**
 * Computes stored computed / stored related fields on a record as the form has it (the write
 * side's registered computes in a rolled-back sandbox: write/onchange-sandbox.ts). `id` null: a
 * new record. Per state, the fields' raw column values.
 */
export interface OnchangeComputer {
  canCompute(model: ModelInfo, field: FieldInfo): boolean;
  compute(ctx: CallContext, model: ModelInfo, id: number | null, states: readonly Values[], fields: readonly string[]): Promise<Values[]>;
}

/**
 * `onchange(values, field_names, fields_spec)` (addons/web/models/models.py 18, the web
 * client's form protocol), for what Ficus can answer exactly; the rest gets the clear refusal:
 *
 * - a field name Odoo does not know among `field_names`: `{}`;
 * - first call (`field_names` empty, a new record): `default_get` of the spec's fields not in
 *   `values`, every spec field in web_read form (`value`, forced): the given value, else the
 *   default, else the new record's empty value (0 / 0.0 / False / []); `display_name` by
 *   BaseModel's `_rec_name` rule; the log fields False. Refused when an `@api.onchange` method
 *   watches a field it touches or a spec field is computed (its compute would run);
 * - later calls: nothing in the spec depends (transitively, fields.py `get_depends`) on the
 *   changed fields and no `@api.onchange` watches them: `{'value': {}}`, as the snapshots do not
 *   differ; otherwise refused.
 * - with a computer (the full engine's), stored computed and stored related fields are computed
 *   as create/write compute them: on a new record from its values and defaults; after a change,
 *   snapshot0 (an existing record: its stored value; a new one: computed with the changed fields
 *   False) against the value computed from the form's values, kept when they differ.
 *
 * The model's read right applies, and the record rules on an existing record; related records
 * are read as `web_read` reads them (methods/web-read.ts).
 */
export const ONCHANGE_METHOD: MethodSpec = onchangeMethod();

export function onchangeMethod(computer?: OnchangeComputer): MethodSpec {
  return {
  api: 'records',
  signature: { qualname: 'Base.onchange', params: [{ name: 'values' }, { name: 'field_names' }, { name: 'fields_spec' }] },
  async run(ctx, model, a, rawIds) {
    const values = a.values as Values;
    const spec = a.fields_spec as Record<string, FieldSpec | null>;
    if (!isDict(values) || !isDict(spec) || !Array.isArray(a.field_names)) throw valueError('onchange() expects values (dict), field_names (list) and fields_spec (dict)');
    const fieldNames = (a.field_names as unknown[]).map(String);
    // A Python override of onchange itself (account.move…), unless it reduces to super() here.
    const passes = PASS_THROUGH_OVERRIDES[model.name];
    if (pythonMethodOwners(model.name, 'onchange').some((owner) => owner !== 'base') && !passes?.(Object.keys(spec), a.field_names as unknown[], values)) {
      throw missingBehaviour(model.name, 'onchange()');
    }
    if (fieldNames.some((name) => !model.fields.has(name))) return {};
    for (const name of Object.keys(spec)) if (!model.fields.has(name)) throw keyError(name);
    ctx.access.checkModel(model, 'read');
    const ids = idsOf(rawIds);
    if (ids.length > 1) throw valueError(`Expected singleton: ${model.name}(${ids.join(', ')})`);
    // web_read of the (new or existing) record checks the spec's field groups, then the record's rules.
    ctx.fieldAccess.check(model, 'read', Object.keys(spec), ids);
    if (ids.length) await checkReadable(ctx, model, ids);
    const refuse = (why: string) => missingBehaviour(model.name, `onchange() ${why}`);
    const watched = onchangeWatchedFields(ctx.registry, model.name);
    const watchedAny = (names: Iterable<string>) => [...names].find((n) => watched.has(n) || watched.has('*'));

    if (fieldNames.length) {
      const onchangeOn = watchedAny(fieldNames);
      if (onchangeOn) throw refuse(`(the @api.onchange methods of ${onchangeOn})`);
      const affected = dependents(ctx, model, new Set(fieldNames));
      const shown = Object.keys(spec).filter((name) => affected.has(name) && !fieldNames.includes(name));
      const value: Values = {};
      const computed = shown.filter((name) => name !== 'display_name');
      if (computed.length) {
        const blocked = computed.find((name) => !computer?.canCompute(model, model.fields.get(name)!));
        if (blocked || hasX2manyValues(model, values)) throw refuse(`(the compute of ${blocked ?? computed[0]}, which depends on ${fieldNames.join(', ')})`);
        const form = formValues(model, values);
        const changedOff = { ...form, ...Object.fromEntries(fieldNames.map((n) => [n, false])) };
        const [now = {}, before = {}]: Values[] = ids.length
          ? [(await computer!.compute(ctx, model, ids[0]!, [form], computed))[0]!, await storedColumns(ctx, model, ids[0]!, computed)]
          : await computer!.compute(ctx, model, null, [form, changedOff], computed);
        const changed: Values = {};
        for (const name of computed) {
          const field = model.fields.get(name)!;
          const [a, b] = [newRecordValue(model, field, columnValue(field, now[name])), newRecordValue(model, field, columnValue(field, before[name]))];
          if (JSON.stringify(a) !== JSON.stringify(b)) changed[name] = a;
        }
        const rows = [changed];
        for (const name of Object.keys(changed)) {
          const field = model.fields.get(name)!;
          if (field.type === 'many2one' && isDict(spec[name]) && changed[name] !== false) await nestMany2one(ctx, field, rows, spec[name] as FieldSpec);
        }
        Object.assign(value, changed);
      }
      for (const name of shown) {
        if (name !== 'display_name') continue;
        const recName = baseRecName(model);
        if (!recName || !fieldNames.includes(recName.name)) throw refuse(`(the compute of ${name}, which depends on ${fieldNames.join(', ')})`);
        // snapshot0 holds the record's own value of the changed field (a new record: False), snapshot1 the form's.
        const before = ids.length ? (await readAsUser(ctx, model, ids, [recName.name], null))[0]?.[recName.name] : false;
        const [old, now] = [await displayNameOf(ctx, model, recName, before), await displayNameOf(ctx, model, recName, values[recName.name])];
        if (old !== now) value.display_name = now;
      }
      return { value };
    }

    if (ids.length) throw refuse('of an existing record without changed fields');
    const given = Object.keys(values).filter((name) => name !== 'id');
    const missing = Object.keys(spec).filter((name) => !(name in values));
    const defaults = (await META_METHODS.default_get!.run(ctx, model, { fields_list: missing }, undefined)) as Values;
    const onchangeOn = watchedAny(new Set([...given, ...Object.keys(spec)]));
    if (onchangeOn) throw refuse(`(the @api.onchange methods of ${onchangeOn})`);
    const record: Values = {};
    // Stored computes / stored related fields the engine computes as create does (a sandbox), from the values and defaults.
    const sandboxed = Object.keys(spec).filter((name) => {
      const field = model.fields.get(name)!;
      if (name === 'id' || name === 'display_name' || LOG_FIELDS.has(name) || field.inheritedVia) return false;
      if (field.related && emptyFirstHop(model, field, values, defaults)) return false;
      return isPythonComputed(ctx.registry, model, field) && Boolean(computer?.canCompute(model, field));
    });
    const computedNew: Values = {};
    if (sandboxed.length && !hasX2manyValues(model, values)) {
      const form = formValues(model, { ...defaults, ...values });
      Object.assign(computedNew, (await computer!.compute(ctx, model, null, [form], sandboxed))[0]);
    }
    for (const name of Object.keys(spec)) {
      if (name === 'id') continue;
      const field = model.fields.get(name)!;
      if (name === 'display_name') {
        record[name] = false; // its place in the spec's order (web_read answers in that order); set below
        continue;
      }
      if (LOG_FIELDS.has(name)) {
        record[name] = false;
        continue;
      }
      if (field.related && !field.inheritedVia && emptyFirstHop(model, field, values, defaults)) {
        // A related field through an empty many2one is empty on a new record.
        record[name] = newRecordValue(model, field, null);
        continue;
      }
      if (name in computedNew) {
        record[name] = newRecordValue(model, field, columnValue(field, computedNew[name]));
        continue;
      }
      if (field.inheritedVia || isPythonComputed(ctx.registry, model, field)) throw refuse(`(the compute of ${name} on a new record)`);
      record[name] = newRecordValue(model, field, name in values ? values[name] : defaults[name]);
    }
    if ('display_name' in spec) {
      const recName = baseRecName(model);
      if (!recName) throw refuse('(the display name of a new record)');
      const raw = recName.name in values ? values[recName.name] : recName.name in defaults ? defaults[recName.name] : null;
      record.display_name = await displayNameOf(ctx, model, recName, raw);
    }
    const rows = [record];
    for (const [name, fieldSpec] of Object.entries(spec)) {
      const field = model.fields.get(name)!;
      if (field.type === 'many2one' && isDict(fieldSpec)) await nestMany2one(ctx, field, rows, fieldSpec);
    }
    return { value: record };
  },
  };
}

/** The form's values as vals for the sandbox: many2one `{id, display_name}` / `[id, name]` as the id, x2many left out. */
function formValues(model: ModelInfo, values: Values): Values {
  const out: Values = {};
  for (const [name, value] of Object.entries(values)) {
    const field = model.fields.get(name);
    if (!field || name === 'id' || field.type === 'one2many' || field.type === 'many2many') continue;
    if (field.type === 'many2one') out[name] = isDict(value) ? (value.id ?? false) : Array.isArray(value) ? (value[0] ?? false) : value;
    else out[name] = value;
  }
  return out;
}

/** Whether the form gives x2many lines (the sandbox holds only the record's own row). */
function hasX2manyValues(model: ModelInfo, values: Values): boolean {
  return Object.entries(values).some(([name, value]) => {
    const type = model.fields.get(name)?.type;
    return (type === 'one2many' || type === 'many2many') && Array.isArray(value) && value.length > 0;
  });
}

/** An existing record's stored values of `fields` (snapshot0 of a stored compute is what is stored). */
async function storedColumns(ctx: CallContext, model: ModelInfo, id: number, fields: readonly string[]): Promise<Values> {
  const cols = fields.map((n) => `"${model.fields.get(n)!.column!.replace(/"/g, '""')}" AS "${n.replace(/"/g, '""')}"`);
  const { rows } = await ctx.db.query<Values>(`SELECT ${cols.join(', ')} FROM "${model.table!.replace(/"/g, '""')}" WHERE id = $1`, [id]);
  return rows[0] ?? {};
}

/** A column value as a form value: numeric text as a number, dates as Odoo's strings. */
function columnValue(field: FieldInfo, raw: unknown): unknown {
  if (raw instanceof Date) {
    const iso = new Date(raw.getTime() - raw.getTimezoneOffset() * 60_000).toISOString();
    return field.type === 'date' ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof raw === 'string' && (field.type === 'float' || field.type === 'monetary' || field.type === 'integer')) return Number(raw);
  return raw;
}

/** The `_rec_name` field when the display name is BaseModel's compute of it, else undefined. */
function baseRecName(model: ModelInfo): FieldInfo | undefined {
  return model.recName && usesBaseDisplayName(model) ? model.fields.get(model.recName) : undefined;
}

/** Whether the first many2one of a related path has no value in the new record's values or defaults. */
function emptyFirstHop(model: ModelInfo, field: FieldInfo, values: Values, defaults: Values): boolean {
  const first = field.related!.split('.')[0]!;
  const hop = model.fields.get(first);
  if (!hop || hop.type !== 'many2one' || hop.computed || hop.related) return false;
  const value = first in values ? values[first] : defaults[first];
  return value === undefined || value === null || value === false;
}

/** Fields whose `get_depends` reaches the changed fields, directly or through other computed fields. */
function dependents(ctx: CallContext, model: ModelInfo, changed: ReadonlySet<string>): Set<string> {
  const reached = new Set(changed);
  const out = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const field of model.fields.values()) {
      if (reached.has(field.name)) continue;
      // Depends Ficus cannot read from the sources (a callable): assume the field depends on anything.
      const depends = fieldDepends(ctx.registry, model, field);
      if (depends === undefined || depends.some((path) => reached.has(path.split('.')[0]!))) {
        reached.add(field.name);
        out.add(field.name);
        grew = true;
      }
    }
  }
  return out;
}

/** A field of a new record in web_read form: the value given or defaulted, else the type's empty value. */
function newRecordValue(model: ModelInfo, field: FieldInfo, value: unknown): unknown {
  const empty = value === undefined || value === null || value === false;
  switch (field.type) {
    case 'integer':
    case 'many2one_reference':
      return empty ? 0 : value;
    case 'float':
    case 'monetary':
      // default_get already answers a float field's default as a Python float.
      return pythonFloat(empty ? 0 : value instanceof PythonFloat ? value.value : Number(value));
    case 'boolean':
      return !empty && Boolean(value);
    case 'many2one':
      if (empty) return false;
      if (typeof value === 'number') return value;
      if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
      if (isDict(value) && typeof value.id === 'number') return value.id;
      throw valueError(`Wrong value for ${model.name}.${field.name}: ${JSON.stringify(value)}`);
    case 'one2many':
    case 'many2many':
      // default_get's write format of no records: [(6, 0, [])] (or a clear).
      if (empty || (Array.isArray(value) && value.every((c) => Array.isArray(c) && (c[0] === 5 || (c[0] === 6 && Array.isArray(c[2]) && !c[2].length))))) return [];
      throw missingBehaviour(model.name, `onchange() (x2many commands for ${field.name} on a new record)`);
    case 'properties':
    case 'properties_definition':
      throw missingBehaviour(model.name, `onchange() (the properties field ${field.name})`);
    default:
      return empty || value === '' ? (field.type === 'char' || field.type === 'text' || field.type === 'html' ? (value === '' ? '' : false) : false) : value;
  }
}

/** BaseModel `_compute_display_name` on a new record: `_rec_name`'s `convert_to_display_name`. */
async function displayNameOf(ctx: CallContext, model: ModelInfo, recName: FieldInfo, raw: unknown): Promise<string | false> {
  if (raw === undefined || raw === null || raw === false || raw === '' || raw === 0) return false;
  switch (recName.type) {
    case 'char':
    case 'text':
    case 'selection':
      return String(raw);
    case 'integer':
      return String(raw);
    case 'many2one': {
      const comodel = ctx.registry.model(recName.relation ?? '');
      const id = typeof raw === 'number' ? raw : Array.isArray(raw) ? raw[0] : null;
      if (!comodel || typeof id !== 'number') return false;
      // `value.display_name` in the user's environment: read as the user reads it.
      const [row] = await readAsUser(ctx, comodel, [id], ['display_name'], null);
      return (row?.display_name as string | false | undefined) ?? false;
    }
    default:
      throw missingBehaviour(model.name, `onchange() (the display name of a new record named by ${recName.name})`);
  }
}

function isDict(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
