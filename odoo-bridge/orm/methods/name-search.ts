import type { CallContext } from '../call-context.ts';
import { andDomains } from '../domain/display-name-domains.ts';
import { NEGATIVE_OPERATORS } from '../domain/parse.ts';
import { displayNames } from '../read/read-records.ts';
import type { ModelInfo } from '../registry/types.ts';
import { limitOf, type MethodTable } from './method.ts';
import { modelSearchSource, searchIds } from './search-source.ts';

/**
 * `name_search(name, args, operator, limit)` (models.py 18): a search of
 * `AND([('display_name', operator, name)], args)` in the model's `_order`, up to `limit`,
 * answered as `[[id, display_name], …]` (names read with sudo). What `display_name` matches,
 * negative operators included, is the model's `_search_display_name` (compile.ts). Models whose
 * Python overrides `name_search` itself search in steps, each from its source:
 * - res.users (base/models/res_users.py, web/models/res_users.py);
 * - res.country and res.country.state (base/models/res_country.py): codes first;
 * - product.product (product/models/product_product.py): exact code/barcode first.
 */
type Pair = [number, string | false];

interface NameSearchCall {
  ctx: CallContext;
  model: ModelInfo;
  name: unknown;
  args: unknown[];
  operator: string;
  limit: number | null;
}

async function searchPairs(call: NameSearchCall, domain: unknown[], limit: number | null): Promise<Pair[]> {
  const { ctx, model } = call;
  // models.py name_search is `search_fetch(domain, ['display_name'], limit=limit)` (ir.ui.menu filters there).
  const ids = await searchIds(ctx, model, await modelSearchSource(ctx, model, domain, { order: model.order, limit, offset: 0 }, { searchFetch: true }));
  const names = await displayNames(ctx.readEnv({ sudo: true }), model, ids);
  return ids.map((id) => [id, names.get(id) ?? false]);
}

/** `BaseModel.name_search`. */
function baseNameSearch(call: NameSearchCall, args = call.args, limit = call.limit): Promise<Pair[]> {
  return searchPairs(call, andDomains([['display_name', call.operator, call.name ?? '']], args), limit);
}

const isPositive = (operator: string) => !NEGATIVE_OPERATORS.has(operator);
const nonEmpty = (name: unknown) => name !== '' && name !== false && name !== null && name !== undefined;

/** Codes first (res.country: `code <operator> name` for 2-letter names; states: `code =like name`), then the rest. */
async function codesFirst(call: NameSearchCall, applies: boolean, codeLeaf: unknown[]): Promise<Pair[]> {
  let args = call.args;
  let limit = call.limit;
  const result: Pair[] = [];
  if (applies) {
    const found = await searchPairs(call, andDomains(args, [codeLeaf]), limit);
    result.push(...found);
    args = andDomains(args, [['id', 'not in', found.map(([id]) => id)]]);
    if (limit !== null) {
      limit -= found.length;
      if (limit <= 0) return result;
    }
  }
  result.push(...(await baseNameSearch(call, args, limit)));
  return result;
}

const OVERRIDES: Record<string, (call: NameSearchCall) => Promise<Pair[]>> = {
  'res.users': async (call) => {
    // base: a name that is a login answers that user alone.
    let list: Pair[] | null = null;
    if (nonEmpty(call.name) && isPositive(call.operator)) {
      const byLogin = await searchPairs(call, andDomains([['login', '=', call.name]], call.args), null);
      if (byLogin.length) list = byLogin.slice(0, 1);
    }
    list ??= await baseNameSearch(call);
    // web: the current user moves first; when missing from a full page, it replaces the last one.
    const uid = call.ctx.uid;
    const index = list.findIndex(([id]) => id === uid);
    // Python's `if index := next(…, False)` takes index 0 for "not found" too: a full page that
    // starts with the current user gets it again in front (and loses its last item), as in Odoo.
    if (index > 0) {
      const [mine] = list.splice(index, 1);
      list.unshift(mine!);
    } else if (call.limit !== null && list.length === call.limit) {
      const mine = await baseNameSearch(call, andDomains(call.args, [['id', '=', uid]]), 1);
      if (mine.length) list = [mine[0]!, ...list.slice(0, -1)];
    }
    return list;
  },
  'res.country': (call) =>
    codesFirst(call, isPositive(call.operator) && typeof call.name === 'string' && call.name.length === 2, ['code', call.operator, call.name]),
  'res.country.state': (call) => codesFirst(call, isPositive(call.operator) && nonEmpty(call.name), ['code', '=like', call.name]),
  'product.product': async (call) => {
    if (!nonEmpty(call.name)) return baseNameSearch(call);
    const { name, operator, limit, args } = call;
    const positive = ['=', 'ilike', '=ilike', 'like', '=like'].includes(operator);
    let products: Pair[] = [];
    if (positive) {
      products = await searchPairs(call, andDomains(args, [['default_code', '=', name]]), limit);
      if (!products.length) products = await searchPairs(call, andDomains(args, [['barcode', '=', name]]), limit);
    }
    if (!products.length) {
      if (isPositive(operator)) {
        products = await searchPairs(call, andDomains(args, [['default_code', operator, name]]), limit);
        const rest = limit === null ? null : limit - products.length;
        if (rest === null || rest > 0) {
          const more = await searchPairs(call, andDomains(args, [['id', 'not in', products.map(([id]) => id)]], [['name', operator, name]]), rest);
          products = mergeRecordsets(call.model, products, more);
        }
      } else {
        products = await searchPairs(call, andDomains(args, [['name', operator, name], '|', ['default_code', operator, name], ['default_code', '=', false]]), limit);
      }
    }
    const code = positive && typeof name === 'string' ? /\[(.*?)\]/.exec(name) : null;
    if (!products.length && code) products = await searchPairs(call, andDomains(args, [['default_code', '=', code[1]]]), limit);
    return products;
  },
};

/**
 * `products |= more`: a recordset union keeps the first set's order and appends the new ids
 * (Odoo does not re-sort it).
 */
function mergeRecordsets(_model: ModelInfo, first: Pair[], more: Pair[]): Pair[] {
  const seen = new Set(first.map(([id]) => id));
  return [...first, ...more.filter(([id]) => !seen.has(id))];
}

export const NAME_SEARCH_METHODS: MethodTable = {
  name_search: {
    api: 'model',
    signature: { qualname: 'BaseModel.name_search', params: [{ name: 'name', default: '' }, { name: 'args', default: null }, { name: 'operator', default: 'ilike' }, { name: 'limit', default: 100 }] },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      const call: NameSearchCall = {
        ctx,
        model,
        name: a.name ?? '',
        args: Array.isArray(a.args) ? a.args : [],
        operator: typeof a.operator === 'string' ? a.operator : 'ilike',
        limit: limitOf(a.limit),
      };
      const override = OVERRIDES[model.name];
      return override ? override(call) : baseNameSearch(call);
    },
  },
};
