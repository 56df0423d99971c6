import type { MethodTable } from './method.ts';
import { describeField, descriptionEnv } from './field-description.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';
import { reifiedGroupFields } from './user-reified-groups.ts';
import { defaultGet } from '../meta/default-get.ts';
import { pythonContainer } from './python-membership.ts';
import { pythonTruthy } from '../../wire/python-values.ts';

export const META_METHODS: MethodTable = {
  fields_get: {
    api: 'model',
    signature: { qualname: 'BaseModel.fields_get', params: [{ name: 'allfields', default: null }, { name: 'attributes', default: null }] },
    async run(ctx, model, a) {
      // `if allfields and fname not in allfields` / `if attributes is not None and attr not in
      // attributes` (models.py fields_get, fields.py get_description): Python's `in`, so a string
      // given for either is searched for substrings (allfields='name' keeps `name` alone).
      const wanted = pythonTruthy(a.allfields) ? pythonContainer(a.allfields) : null;
      const attributes = a.attributes === null || a.attributes === undefined ? null : pythonContainer(a.attributes);
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
