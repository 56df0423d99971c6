import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { MethodTable } from './method.ts';
import { computedFieldDefault, pythonFactsOf } from '../registry/python-field-facts.ts';
import { describeField, descriptionEnv } from './field-description.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';
import { evaluateDefault } from '../write/defaults.ts';
import { isReifiedGroupName, readWithReifiedGroups, reifiedGroupFields } from './user-reified-groups.ts';
import { defaultGroupIds, groupsFromCommands } from '../write/core/res-users-groups.ts';

/**
 * `default_get(fields_list)`, per field: `context.default_<field>`, else the `ir_default` value,
 * else the Python default of the field as the installed modules define it (literal, or one that
 * only needs the environment: company, user, currency, lang, today/now; extracted from the
 * sources, registry/python-field-facts.ts), else `tz` = the context's, else nothing (the field is
 * left out, as Odoo does for fields without default, and for defaults computed by code Ficus
 * does not run).
 */
async function defaultOf(ctx: CallContext, model: ModelInfo, name: string): Promise<{ found: boolean; value?: unknown }> {
  const key = `default_${name}`;
  if (key in ctx.context) return { found: true, value: ctx.context[key] };
  const company = ctx.access.companyId;
  const stored = ctx.registry.defaults.get(`${model.name}.${name}@${company}`) ?? ctx.registry.defaults.get(`${model.name}.${name}`);
  if (stored !== undefined) return { found: true, value: stored };
  const field = model.fields.get(name);
  const python = pythonFactsOf(ctx.registry, model).defaults.get(name) ?? (field ? computedFieldDefault(ctx.registry, model, field) : undefined);
  if (python) {
    const value = await evaluateDefault(ctx, python);
    if (value !== undefined) return { found: true, value };
  }
  // res.partner `category_id = fields.Many2many(default=_default_category)`: `browse(context.get('category_id'))`,
  // in write form (default_get's convert_to_cache + convert_to_write).
  if (model.name === 'res.partner' && name === 'category_id') {
    const given = ctx.context.category_id;
    return { found: true, value: [[6, 0, typeof given === 'number' && given ? [given] : []]] };
  }
  if (model.name === 'res.users') {
    // base res_users.py: `company_ids` default `self.env.company.ids`; `groups_id` default
    // `_default_groups()` (base_setup's: the template user's groups, read in res.groups' _order).
    if (name === 'company_ids') return { found: true, value: [[6, 0, ctx.access.companyId != null ? [ctx.access.companyId] : []]] };
    if (name === 'groups_id') return { found: true, value: [[6, 0, await groupsByName(ctx, await defaultGroupIds(ctx))]] };
  }
  // res.partner `tz = fields.Selection(_tzs, default=lambda self: self._context.get('tz'))`.
  if (model.name === 'res.partner' && name === 'tz') return { found: true, value: ctx.tz ?? false };
  if (name === model.activeField) return { found: true, value: true };
  return { found: false };
}

/**
 * models.py `default_get`: each field's own default (defaultOf); an `_inherits` field without one
 * is asked of its parent model's `default_get`, whose answers come after the model's own.
 */
async function defaultGet(ctx: CallContext, model: ModelInfo, names: readonly string[]): Promise<Record<string, unknown>> {
  if (model.name === 'res.users' && names.some(isReifiedGroupName)) {
    // UsersView.default_get: the reified group fields answered from the default groups_id, which stays in the answer.
    const reified = names.filter(isReifiedGroupName);
    const others = names.filter((name) => !isReifiedGroupName(name));
    const values = await defaultGet(ctx, model, others.includes('groups_id') ? others : [...others, 'groups_id']);
    const [row] = await readWithReifiedGroups(ctx, reified, async () => [{ groups_id: groupsFromCommands(values.groups_id) }]);
    for (const name of reified) values[name] = row![name];
    return values;
  }
  const result: Record<string, unknown> = {};
  const parents = new Map<string, string[]>();
  for (const name of names) {
    const field = model.fields.get(name);
    if (!field) continue;
    const d = await defaultOf(ctx, model, name);
    if (d.found) result[name] = d.value;
    else if (field.inheritedVia) {
      const parent = model.fields.get(field.inheritedVia)?.relation;
      if (parent) (parents.get(parent) ?? parents.set(parent, []).get(parent)!).push(name);
    }
  }
  for (const [parent, fields] of parents) {
    const parentModel = ctx.registry.model(parent);
    if (parentModel) Object.assign(result, await defaultGet(ctx, parentModel, fields));
  }
  return result;
}

/** Group ids in res.groups' `_order` (name, in the call's language). */
async function groupsByName(ctx: CallContext, ids: readonly number[]): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await ctx.db.query<{ id: number }>(`SELECT id FROM res_groups WHERE id = ANY($1::int4[]) ORDER BY COALESCE(name->>$2, name->>'en_US'), id`, [[...ids], ctx.lang]);
  return rows.rows.map((r) => r.id);
}

export const META_METHODS: MethodTable = {
  fields_get: {
    api: 'model',
    signature: { qualname: 'BaseModel.fields_get', params: [{ name: 'allfields', default: null }, { name: 'attributes', default: null }] },
    async run(ctx, model, a) {
      const wanted = Array.isArray(a.allfields) && a.allfields.length ? new Set(a.allfields.map(String)) : null;
      const attributes = Array.isArray(a.attributes) ? new Set(a.attributes.map(String)) : null;
      const result: Record<string, unknown> = {};
      const env = await descriptionEnv(ctx);
      for (const name of pythonFieldOrder(ctx.registry, model)) {
        if (wanted && !wanted.has(name)) continue;
        const field = model.fields.get(name)!;
        // Fields with groups the user is not in do not exist for them (access/field-groups.ts).
        if (!ctx.fieldAccess.accessible(model, field)) continue;
        const full = await describeField(env, model, field);
        result[name] = attributes ? Object.fromEntries(Object.entries(full).filter(([k]) => attributes.has(k))) : full;
      }
      // res.users adds its reified group fields, described in full whatever `attributes` asks.
      if (model.name === 'res.users') {
        for (const reified of await reifiedGroupFields(ctx)) if (!wanted || wanted.has(reified.name)) result[reified.name] = reified.description;
      }
      return result;
    },
  },
  default_get: {
    api: 'model',
    signature: { qualname: 'BaseModel.default_get', params: [{ name: 'fields_list' }] },
    async run(ctx, model, a) {
      return defaultGet(ctx, model, Array.isArray(a.fields_list) ? a.fields_list.map(String) : []);
    },
  },
};
