import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import { readRecords } from '../read/read-records.ts';
import { vouchRuled, type SearchRowSource } from '../read/read-env.ts';
import type { ModelInfo } from '../registry/types.ts';

type Paging = { order: string | null; limit: number | null; offset: number };

/** Whether res.groups' `_search` sorts this search itself (an order starting with `full_name`, as given). */
export function ordersByFullName(model: ModelInfo, order: string | null): boolean {
  return model.name === 'res.groups' && !!order && order.startsWith('full_name');
}

/**
 * res.groups `_search` (base/models/res_users.py) for an order starting with `full_name`, a
 * computed field no SQL can sort: the whole search in the default order, sorted in Python by
 * `full_name` ("<category> / <name>"), reversed only when the order ends with 'DESC' (as typed:
 * 'full_name desc' sorts ascending), then `[offset:offset+limit]`. `searchAll` is the plain search.
 */
export async function groupsByFullName(
  ctx: CallContext,
  model: ModelInfo,
  paging: Paging,
  searchAll: (paging: Paging) => Promise<SearchRowSource>,
): Promise<SearchRowSource> {
  const all = await searchAll({ order: model.order, limit: null, offset: 0 });
  // The rows in the search's order, their full_name computed as superuser (`group1` is `self.sudo()`).
  const rows = await readRecords(ctx.readEnv({ sudo: true }), model, all, ['full_name'], ctx.readOptions(null));
  const ids = rows.map((row) => row.id as number);
  const names = new Map(rows.map((row) => [row.id as number, String(row.full_name || '')]));
  const descending = paging.order!.endsWith('DESC');
  // Python's sorted(reverse=True) keeps equal keys in their order: a stable sort on the flipped comparison.
  const sorted = [...ids].sort((a, b) => {
    const [x, y] = descending ? [names.get(b)!, names.get(a)!] : [names.get(a)!, names.get(b)!];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const page = paging.limit ? sorted.slice(paging.offset, paging.offset + paging.limit) : sorted.slice(paging.offset);
  const id = sql.ref(`${all.alias}.id`);
  return vouchRuled({
    ...all,
    where: sql`(${all.where}) AND ${id} = ANY(${page}::int4[])`,
    order: [sql`array_position(${page}::int4[], ${id})`],
    limit: null,
    offset: 0,
  });
}
