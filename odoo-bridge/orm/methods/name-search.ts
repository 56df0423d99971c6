import { displayNames } from '../read/read-records.ts';
import { explicitAnd } from '../domain/parse.ts';
import { limitOf, type MethodTable } from './method.ts';
import { searchIds, searchSource } from './search-source.ts';

/**
 * `name_search(name, args, operator, limit)` (18): `_name_search` = a search on
 * `display_name` (the `_rec_names_search` fields) ANDed with `args`, in the model's `_order`,
 * answered as `[[id, display_name], …]`.
 */
export const NAME_SEARCH_METHODS: MethodTable = {
  name_search: {
    api: 'model',
    signature: { qualname: 'BaseModel.name_search', params: [{ name: 'name', default: '' }, { name: 'args', default: null }, { name: 'operator', default: 'ilike' }, { name: 'limit', default: 100 }] },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      const extra = Array.isArray(a.args) ? a.args : [];
      const condition = ['display_name', typeof a.operator === 'string' ? a.operator : 'ilike', a.name ?? ''];
      const domain = extra.length ? ['&', ...explicitAnd(extra), condition] : [condition];
      const ids = await searchIds(ctx, model, searchSource(ctx, model, domain, { order: model.order, limit: limitOf(a.limit), offset: 0 }));
      const names = await displayNames(ctx.readEnv({ sudo: true }), model, ids);
      return ids.map((id) => [id, names.get(id) ?? false]);
    },
  },
};

