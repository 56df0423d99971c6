import { keyError, missingBehaviour, userError } from '../../errors.ts';
import { combineDomains } from '../access/rule-domains.ts';
import type { CallContext } from '../call-context.ts';
import { sql } from 'kysely';
import { translated, type ModelInfo, type Translations } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import type { Bound } from '../dispatch/signature.ts';
import type { MethodSpec, MethodTable } from './method.ts';
import { META_METHODS } from './meta-methods.ts';
import { READ_GROUP_METHODS } from './read-group.ts';
import { SEARCH_METHODS } from './search-methods.ts';

/**
 * The search panel's two methods of web's models.py (Odoo 18, `search_panel_select_range` for a
 * category, `search_panel_select_multi_range` for a filter), built from the public methods they
 * call, so every read is the user's (access rights, record rules): the field's image is a
 * `read_group` of the model on the field (`_search_panel_domain_image`), the comodel's values a
 * `search_read` (display_name, and the `_parent_name` field when hierarchized), counters the
 * image's `<field>_count` or `search_count` (many2many), selection labels `fields_get`'s.
 * Overrides of the helpers in installed modules (account's `_search_panel_domain_image` on
 * account.account and account.move.line, base_import_module's `search_panel_select_range` on
 * ir.module.module) are refused clearly. Labels are en_US (`Not Set`, the limit message): the
 * served databases have no other active language.
 */

type Values = Record<string, unknown>;
type Image = Map<unknown, Values>;

const TOO_MANY = 'Too many items to display.';

/** Models whose display_name drops the hierarchy under `hierarchical_naming=False` (product_category.py, hr_department.py). */
const HIERARCHICAL_NAMING: ReadonlySet<string> = new Set(['product.category', 'hr.department']);

const OVERRIDES: ReadonlyArray<{ model: string; module: string; method: string }> = [
  { model: 'account.account', module: 'account', method: '_search_panel_domain_image' },
  { model: 'account.move.line', module: 'account', method: '_search_panel_domain_image' },
  { model: 'ir.module.module', module: 'base_import_module', method: 'search_panel_select_range' },
];

function refuseOverrides(ctx: CallContext, model: ModelInfo, method: string): void {
  const override = OVERRIDES.find((o) => o.model === model.name && ctx.registry.modules.has(o.module) && (o.method === method || o.method.startsWith('_')));
  if (override) throw missingBehaviour(model.name, `${method}() (${override.module}'s ${override.method} override)`);
}

const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length));
const domainOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const and = (...domains: unknown[][]) => combineDomains('&', domains);
/** `is_true_domain` of web's models.py: the normalized domain is TRUE_DOMAIN. */
const isTrueDomain = (d: unknown[]) => !d.length || (d.length === 1 && JSON.stringify(d[0]) === '[1,"=",1]');

async function call(spec: MethodSpec | undefined, ctx: CallContext, model: ModelInfo, args: Bound): Promise<unknown> {
  return spec!.run(ctx, model, args, undefined);
}

async function selectionLabels(ctx: CallContext, model: ModelInfo, field: string): Promise<Array<[unknown, string]>> {
  const desc = (await call(META_METHODS.fields_get, ctx, model, { allfields: [field] })) as Record<string, { selection?: Array<[unknown, string]> }>;
  return desc[field]?.selection ?? [];
}

/** `_search_panel_domain_image`: the field's values among the records of `domain` (read_group), with their counts. */
async function domainImage(ctx: CallContext, model: ModelInfo, field: string, domain: unknown[], setCount: boolean, limit: unknown): Promise<Image> {
  const type = model.fields.get(field)!.type;
  const labels = type === 'many2one' || type === 'many2many' ? null : new Map(await selectionLabels(ctx, model, field));
  const groups = (await call(READ_GROUP_METHODS.read_group, ctx, model, {
    domain: and(domain, [[field, '!=', false]]), fields: [field], groupby: [field], limit: truthy(limit) ? limit : null,
  })) as Values[];
  const image: Image = new Map();
  for (const group of groups) {
    const value = group[field];
    const [id, displayName] = labels ? [value, labels.get(value)] : (value as [unknown, unknown]);
    const values: Values = { id, display_name: displayName };
    if (setCount) values.__count = group[`${field}_count`];
    image.set(id, values);
  }
  return image;
}

/** `_search_panel_field_image`. */
async function fieldImage(ctx: CallContext, model: ModelInfo, field: string, kw: Values): Promise<Image> {
  const extra = domainOf(kw.extra_domain);
  const noExtra = isTrueDomain(extra);
  const modelDomain = domainOf(kw.model_domain);
  const countDomain = and(modelDomain, extra);
  if (truthy(kw.only_counters)) return domainImage(ctx, model, field, countDomain, true, false);
  const image = await domainImage(ctx, model, field, modelDomain, truthy(kw.enable_counters) && noExtra, truthy(kw.set_limit) ? kw.limit : false);
  if (truthy(kw.enable_counters) && !noExtra) {
    const counts = await domainImage(ctx, model, field, countDomain, true, false);
    for (const [id, values] of image) values.__count = counts.get(id)?.__count ?? 0;
  }
  return image;
}

/** `_search_panel_selection_range`. */
async function selectionRange(ctx: CallContext, model: ModelInfo, field: string, kw: Values): Promise<Values[]> {
  const counters = truthy(kw.enable_counters);
  const expand = truthy(kw.expand);
  const image = counters || !expand ? await fieldImage(ctx, model, field, { ...kw, only_counters: expand }) : new Map();
  if (!expand) return [...image.values()];
  return (await selectionLabels(ctx, model, field)).map(([value, label]) => {
    const values: Values = { id: value, display_name: label };
    if (counters) values.__count = image.get(value)?.__count ?? 0;
    return values;
  });
}

/** The comodel's records as search_read gives them under `hierarchical_naming=False`. */
async function comodelRecords(ctx: CallContext, comodel: ModelInfo, domain: unknown[], extra: readonly string[], limit: unknown): Promise<Values[]> {
  const plainName = HIERARCHICAL_NAMING.has(comodel.name);
  const rows = (await call(SEARCH_METHODS.search_read, ctx, comodel, {
    domain, fields: [plainName ? 'name' : 'display_name', ...extra], limit: truthy(limit) ? limit : null,
  })) as Values[];
  // A many2one read along to such a model is named in the same context (its display_name, sudo, is the plain name).
  for (const name of extra) {
    const target = comodel.fields.get(name);
    const targetModel = target?.type === 'many2one' && target.relation && HIERARCHICAL_NAMING.has(target.relation) ? ctx.registry.model(target.relation) : undefined;
    if (!targetModel?.table) continue;
    const ids = [...new Set(rows.map((row) => row[name]).filter(Array.isArray).map((pair) => (pair as unknown[])[0] as number))];
    if (!ids.length) continue;
    const names = await run<{ id: number; name: unknown }>(ctx.db, sql`SELECT id, name FROM ${sql.table(targetModel.table)} WHERE id = ANY(${ids}::int4[])`);
    const byId = new Map(names.map((r) => [r.id, typeof r.name === 'object' && r.name ? translated(r.name as Translations, ctx.lang) : r.name]));
    for (const row of rows) if (Array.isArray(row[name])) row[name] = [(row[name] as unknown[])[0], byId.get((row[name] as number[])[0]!) ?? (row[name] as unknown[])[1]];
  }
  return rows.map((row) => (plainName ? { ...row, display_name: row.name } : row));
}

/** `_search_panel_sanitized_parent_hierarchy`: the records whose whole ancestor chain is there, for the given ids, in their order. */
function sanitizedHierarchy(records: Values[], parentName: string, ids: readonly unknown[]): Values[] {
  const allowed = new Map(records.map((r) => [r.id, r]));
  const keep = new Map<unknown, boolean>();
  for (const start of ids) {
    let recordId: unknown = start;
    const chain: unknown[] = [];
    let included = true;
    while (included && truthy(recordId)) {
      const known = keep.get(recordId);
      if (known !== undefined) {
        included = known;
        break;
      }
      const record = allowed.get(recordId);
      if (record) {
        chain.push(recordId);
        const parent = record[parentName];
        recordId = Array.isArray(parent) ? parent[0] : false;
      } else included = false;
    }
    for (const id of chain) keep.set(id, included);
  }
  return records.filter((r) => keep.get(r.id));
}

function parentFieldOf(comodel: ModelInfo): string | null {
  const name = comodel.parentName ?? 'parent_id';
  return comodel.fields.has(name) ? name : null;
}

/** `self._fields[field_name]`: KeyError for a name the model lacks. */
function fieldOf(model: ModelInfo, name: unknown) {
  const field = typeof name === 'string' ? model.fields.get(name) : undefined;
  if (!field) throw keyError(String(name));
  return field;
}

export const SEARCH_PANEL_METHODS: MethodTable = {
  search_panel_select_range: {
    api: 'model',
    signature: { qualname: 'Base.search_panel_select_range', params: [{ name: 'field_name' }], varKeywords: true },
    async run(ctx, model, a) {
      refuseOverrides(ctx, model, 'search_panel_select_range');
      const kw: Values = { ...(a.__extra__ ?? {}) };
      const field = fieldOf(model, a.field_name);
      if (field.type !== 'many2one' && field.type !== 'selection') {
        throw userError(`Only types many2one, selection are supported for category (found type ${field.type})`);
      }
      const modelDomain = domainOf(kw.search_domain);
      const extraDomain = and(domainOf(kw.category_domain), domainOf(kw.filter_domain));
      if (field.type === 'selection') {
        return { parent_field: false, values: await selectionRange(ctx, model, field.name, { ...kw, model_domain: modelDomain, extra_domain: extraDomain }) };
      }
      const comodel = ctx.registry.model(field.relation!)!;
      let hierarchize = 'hierarchize' in kw ? truthy(kw.hierarchize) : true;
      const parentName = hierarchize ? parentFieldOf(comodel) : null;
      if (!parentName) hierarchize = false;
      let comodelDomain = domainOf(kw.comodel_domain);
      const counters = truthy(kw.enable_counters);
      const expand = truthy(kw.expand);
      const limit = kw.limit;
      const image = counters || !expand
        ? await fieldImage(ctx, model, field.name, {
          ...kw, model_domain: modelDomain, extra_domain: extraDomain, only_counters: expand,
          set_limit: truthy(limit) && !(expand || hierarchize || comodelDomain.length),
        })
        : new Map();
      if (!(expand || hierarchize || comodelDomain.length)) {
        const values = [...image.values()];
        if (truthy(limit) && values.length === limit) return { error_msg: TOO_MANY };
        return { parent_field: parentName ?? false, values };
      }
      const imageIds = [...image.keys()];
      if (!expand) comodelDomain = and(comodelDomain, [['id', hierarchize ? 'parent_of' : 'in', imageIds]]);
      let records = await comodelRecords(ctx, comodel, comodelDomain, parentName ? [parentName] : [], limit);
      if (hierarchize) records = sanitizedHierarchy(records, parentName!, expand ? records.map((r) => r.id) : imageIds);
      if (truthy(limit) && records.length === limit) return { error_msg: TOO_MANY };
      const range = new Map<unknown, Values>();
      for (const record of records) {
        const values: Values = { id: record.id, display_name: record.display_name };
        if (hierarchize) {
          const parent = record[parentName!];
          values[parentName!] = Array.isArray(parent) ? parent[0] : false;
        }
        if (counters) values.__count = image.get(record.id)?.__count ?? 0;
        range.set(record.id, values);
      }
      if (hierarchize && counters) globalCounters(range, parentName!);
      return { parent_field: parentName ?? false, values: [...range.values()] };
    },
  },
  search_panel_select_multi_range: {
    api: 'model',
    signature: { qualname: 'Base.search_panel_select_multi_range', params: [{ name: 'field_name' }], varKeywords: true },
    async run(ctx, model, a) {
      refuseOverrides(ctx, model, 'search_panel_select_multi_range');
      const kw: Values = { ...(a.__extra__ ?? {}) };
      const field = fieldOf(model, a.field_name);
      if (field.type !== 'many2one' && field.type !== 'many2many' && field.type !== 'selection') {
        throw userError(`Only types ['many2one', 'many2many', 'selection'] are supported for filter (found type ${field.type})`);
      }
      const modelDomain = domainOf(kw.search_domain);
      const extraDomain = and(domainOf(kw.category_domain), domainOf(kw.filter_domain));
      if (field.type === 'selection') {
        return { values: await selectionRange(ctx, model, field.name, { ...kw, model_domain: modelDomain, extra_domain: extraDomain }) };
      }
      const comodel = ctx.registry.model(field.relation!)!;
      const groupBy = truthy(kw.group_by) ? await groupOf(ctx, comodel, kw.group_by) : null;
      let comodelDomain = domainOf(kw.comodel_domain);
      const counters = truthy(kw.enable_counters);
      const expand = truthy(kw.expand);
      const limit = kw.limit;
      if (field.type === 'many2many') {
        if (!expand) {
          const image = await domainImage(ctx, model, field.name, modelDomain, false, limit);
          comodelDomain = and(comodelDomain, [['id', 'in', [...image.keys()]]]);
        }
        const records = await comodelRecords(ctx, comodel, comodelDomain, groupBy ? [groupBy.name] : [], limit);
        if (truthy(limit) && records.length === limit) return { error_msg: TOO_MANY };
        const groupDomains = kw.group_domain && typeof kw.group_domain === 'object' && !Array.isArray(kw.group_domain) ? (kw.group_domain as Record<string, unknown>) : null;
        const values: Values[] = [];
        for (const record of records) {
          const entry: Values = { id: record.id, display_name: record.display_name };
          const group = groupBy?.idName(record[groupBy.name]);
          if (group) Object.assign(entry, { group_id: group[0], group_name: group[1] });
          if (counters) {
            // `group_domain.get(json.dumps(group_id), [])`: one domain per activated group, keyed by the group's JSON.
            const local = group && groupDomains ? and(extraDomain, domainOf(groupDomains[JSON.stringify(group[0])])) : extraDomain;
            const domain = and(and(modelDomain, [[field.name, 'in', record.id]]), local);
            entry.__count = await call(SEARCH_METHODS.search_count, ctx, model, { domain });
          }
          values.push(entry);
        }
        return { values };
      }
      const image = counters || !expand
        ? await fieldImage(ctx, model, field.name, {
          ...kw, model_domain: modelDomain, extra_domain: and(extraDomain, domainOf(kw.group_domain)), only_counters: expand,
          set_limit: truthy(limit) && !(expand || groupBy || comodelDomain.length),
        })
        : new Map();
      if (!(expand || groupBy || comodelDomain.length)) {
        const values = [...image.values()];
        if (truthy(limit) && values.length === limit) return { error_msg: TOO_MANY };
        return { values };
      }
      if (!expand) comodelDomain = and(comodelDomain, [['id', 'in', [...image.keys()]]]);
      const records = await comodelRecords(ctx, comodel, comodelDomain, groupBy ? [groupBy.name] : [], limit);
      if (truthy(limit) && records.length === limit) return { error_msg: TOO_MANY };
      return {
        values: records.map((record) => {
          const entry: Values = { id: record.id, display_name: record.display_name };
          const group = groupBy?.idName(record[groupBy.name]);
          if (group) Object.assign(entry, { group_id: group[0], group_name: group[1] });
          if (counters) entry.__count = image.get(record.id)?.__count ?? 0;
          return entry;
        }),
      };
    },
  },
};

/**
 * select_multi_range's `group_by`: a field of the comodel read with the values, and how a value
 * of it names its group (many2one: the pair, selection: the label, others: the value itself;
 * empty: `(False, 'Not Set')`).
 */
async function groupOf(ctx: CallContext, comodel: ModelInfo, name: unknown): Promise<{ name: string; idName: (value: unknown) => [unknown, unknown] }> {
  const field = fieldOf(comodel, name);
  const notSet: [unknown, unknown] = [false, 'Not Set'];
  if (field.type === 'many2one') return { name: field.name, idName: (v) => (Array.isArray(v) && v.length ? [v[0], v[1]] : notSet) };
  if (field.type === 'selection') {
    const labels = new Map<unknown, unknown>(await selectionLabels(ctx, comodel, field.name));
    // `group_by_selection[value]`: a stored value the selection lacks is a KeyError in Python.
    return { name: field.name, idName: (v) => (v === false || v === null || v === undefined ? notSet : labels.has(v) ? [v, labels.get(v)] : (() => { throw keyError(String(v)); })()) };
  }
  return { name: field.name, idName: (v) => (truthy(v) ? [v, v] : notSet) };
}

/** `_search_panel_global_counters`: each value's count plus its descendants' local counts. */
function globalCounters(range: Map<unknown, Values>, parentName: string): void {
  const local = new Map([...range].map(([id, v]) => [id, v.__count as number]));
  for (const [id, start] of range) {
    const count = local.get(id)!;
    if (!count) continue;
    let parent = start[parentName];
    while (truthy(parent)) {
      const values = range.get(parent);
      if (!values) break;
      values.__count = (values.__count as number) + count;
      parent = values[parentName];
    }
  }
}
