import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { MethodTable } from './method.ts';
import { pythonFactsOf } from '../registry/python-field-facts.ts';
import { describeField, descriptionEnv } from './field-description.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';
import { evaluateDefault } from '../write/defaults.ts';
import { reifiedGroupFields } from './user-reified-groups.ts';

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
  const python = pythonFactsOf(ctx.registry, model).defaults.get(name);
  if (python) {
    const value = await evaluateDefault(ctx, python);
    if (value !== undefined) return { found: true, value };
  }
  // res.partner `tz = fields.Selection(_tzs, default=lambda self: self._context.get('tz'))`.
  if (model.name === 'res.partner' && name === 'tz') return { found: true, value: ctx.tz ?? false };
  if (name === model.activeField) return { found: true, value: true };
  return { found: false };
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
      const result: Record<string, unknown> = {};
      for (const name of Array.isArray(a.fields_list) ? a.fields_list.map(String) : []) {
        if (!model.fields.has(name)) continue;
        const d = await defaultOf(ctx, model, name);
        if (d.found) result[name] = d.value;
      }
      return result;
    },
  },
};
