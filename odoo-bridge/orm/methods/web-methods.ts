import { idsOf, limitOf, orderOf, type MethodTable } from './method.ts';
import { pagingOf } from '../sql-text/search-values.ts';
import { countRows, modelSearchSource, searchIds } from './search-source.ts';
import { webRead, webReadFound } from './web-read.ts';
import { ONCHANGE_METHOD } from './onchange.ts';

export const WEB_METHODS: MethodTable = {
  onchange: ONCHANGE_METHOD,
  web_read: {
    api: 'records',
    signature: { qualname: 'Base.web_read', params: [{ name: 'specification' }] },
    async run(ctx, model, a, ids) {
      return webRead(ctx, model, idsOf(ids), a.specification);
    },
  },
  web_search_read: {
    api: 'model',
    signature: {
      qualname: 'Base.web_search_read',
      params: [{ name: 'domain' }, { name: 'specification' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }, { name: 'count_limit', default: null }],
    },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      const { limit, offset } = pagingOf({ limit: a.limit, offset: a.offset });
      // search_fetch(domain, specification.keys(), …): Odoo's statement reads the specified columns.
      const select = a.specification && typeof a.specification === 'object' && Object.keys(a.specification).length ? 'fetch' : 'search';
      const clientValues = { select, paging: { limit: a.limit, offset: a.offset } } as const;
      const ids = await searchIds(ctx, model, await modelSearchSource(ctx, model, a.domain, { order: orderOf(a.order, model), limit, offset }, { searchFetch: true, clientValues }));
      const records = await webReadFound(ctx, model, ids, a.specification);
      if (!records.length) return { length: 0, records: [] };
      const current = records.length + offset;
      const countLimit = limitOf(a.count_limit);
      const limitReached = records.length === limit;
      const countLimitReached = countLimit !== null && countLimit <= current;
      const length = limit && ((limitReached && !countLimitReached) || ctx.context.force_search_count)
        ? await countRows(ctx, model, a.domain, countLimit)
        : current;
      return { length, records };
    },
  },
};
