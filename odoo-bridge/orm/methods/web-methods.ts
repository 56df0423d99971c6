import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { checkFieldNames, readRecords } from '../read/read-records.ts';
import type { ModelInfo } from '../registry/types.ts';
import { idsOf, limitOf, offsetOf, orderOf, type MethodTable } from './method.ts';
import { countRows, searchIds, searchSource } from './search-source.ts';

type Specification = Record<string, { fields?: Specification; limit?: number; order?: string; context?: unknown } | null>;

/**
 * `web_read(specification)` (addons/web/models/models.py, 18): plain fields as in `read`;
 * many2one → bare id, or `{id, …sub-fields}` when `fields` is given; x2many → ids, or dicts
 * for the first `limit` records (the rest as `{id}`) when `fields` is given.
 */
async function webRead(ctx: CallContext, model: ModelInfo, ids: number[], spec: Specification): Promise<Record<string, unknown>[]> {
  if (!spec || typeof spec !== 'object') throw valueError('specification must be a dict');
  const names = checkFieldNames(model, Object.keys(spec));
  const records = await readRecords(ctx.readEnv(), model, { kind: 'ids', ids }, names, ctx.readOptions(null));
  for (const name of names) {
    const field = model.fields.get(name)!;
    const sub = spec[name];
    if (!sub?.fields || !field.relation) continue;
    const comodel = ctx.registry.model(field.relation)!;
    if (field.type === 'many2one') {
      const targets = records.map((r) => r[name]).filter((v): v is number => typeof v === 'number');
      const rows = new Map((await webRead(ctx, comodel, [...new Set(targets)], sub.fields)).map((r) => [r.id, r]));
      for (const r of records) if (typeof r[name] === 'number') r[name] = rows.get(r[name] as number) ?? { id: r[name] };
    } else {
      const limit = typeof sub.limit === 'number' ? sub.limit : null;
      const wanted = new Set<number>();
      for (const r of records) for (const id of (r[name] as number[]).slice(0, limit ?? undefined)) wanted.add(id);
      const rows = new Map((await webRead(ctx, comodel, [...wanted], sub.fields)).map((r) => [r.id, r]));
      for (const r of records) {
        r[name] = (r[name] as number[]).map((id, i) => (limit === null || i < limit ? rows.get(id) ?? { id } : { id }));
      }
    }
  }
  return records;
}

export const WEB_METHODS: MethodTable = {
  web_read: {
    api: 'records',
    signature: { qualname: 'Base.web_read', params: [{ name: 'specification' }] },
    async run(ctx, model, a, ids) {
      ctx.access.checkModel(model, 'read');
      return webRead(ctx, model, idsOf(ids), a.specification as Specification);
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
      const limit = limitOf(a.limit);
      const offset = offsetOf(a.offset);
      const ids = await searchIds(ctx, model, searchSource(ctx, model, a.domain, { order: orderOf(a.order, model), limit, offset }));
      const records = await webRead(ctx, model, ids, a.specification as Specification);
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
