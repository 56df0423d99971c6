import type { ModelInfo } from '../registry/types.ts';
import { NEGATIVE_OPERATORS, type Operator } from './parse.ts';

/**
 * `_search_display_name(operator, value)` as a domain, per model (Odoo 18): the domain a
 * `display_name` leaf stands for. The base rule is models.py `BaseModel._search_display_name`;
 * the overrides below are those of the modules installed in the served databases, each from
 * its source file. Two overrides need a search of their own and are compiled in compile.ts
 * (`res.partner.category`: like operators match the children of the matching tags; `res.users`:
 * `=`/`ilike` on an existing login matches that user only).
 *
 * Context-dependent parts are not reproduced (res.country.state `country_id`, product
 * `partner_id` supplier codes, res.company `user_preference`, product.template
 * `search_product_product`, whose default `bool(value)` is applied).
 */
export type DisplayNameDomain = unknown[] | 'TRUE' | 'FALSE';

/** A domain in prefix form (implicit ANDs made explicit), so it can be combined. */
export function normalizeDomain(domain: readonly unknown[]): unknown[] {
  let expected = 1;
  const out: unknown[] = [];
  for (const item of domain) {
    if (expected === 0) {
      out.unshift('&');
      expected = 1;
    }
    if (item === '&' || item === '|') expected += 1;
    else if (item !== '!') expected -= 1;
    out.push(item);
  }
  return out;
}

function combine(op: '&' | '|', domains: readonly (readonly unknown[])[]): unknown[] {
  const parts = domains.filter((d) => d.length).map(normalizeDomain);
  return [...Array(Math.max(0, parts.length - 1)).fill(op), ...parts.flat()];
}
export const orDomains = (...domains: (readonly unknown[])[]) => combine('|', domains);
export const andDomains = (...domains: (readonly unknown[])[]) => combine('&', domains);

const FALSE_LEAF = [0, '=', 1];
const isNegative = (operator: string) => NEGATIVE_OPERATORS.has(operator);
const truthy = (v: unknown) => !(v === '' || v === false || v === null || v === undefined || v === 0 || (Array.isArray(v) && !v.length));

/** models.py `BaseModel._search_display_name`. */
export function baseDisplayNameDomain(model: ModelInfo, operator: Operator, value: unknown): DisplayNameDomain {
  const fields = model.recNamesSearch.length ? model.recNamesSearch : model.recName ? [model.recName] : [];
  if (!fields.length) return 'FALSE';
  if (operator.endsWith('like') && !truthy(value) && !operator.includes('=')) return isNegative(operator) ? 'FALSE' : 'TRUE';
  const leaves = fields.map((f) => [[f, operator, value]]);
  return isNegative(operator) ? andDomains(...leaves) : orDomains(...leaves);
}

type Override = (model: ModelInfo, operator: Operator, value: unknown) => DisplayNameDomain;

const asDomain = (d: DisplayNameDomain): unknown[] => (d === 'TRUE' ? [] : d === 'FALSE' ? [FALSE_LEAF] : d);

/** res.country.state `_get_name_search_domain`: "Name (Country)" matches the name in that country. */
function stateNameDomain(name: unknown, operator: string): unknown[] {
  const m = typeof name === 'string' ? /^(.+)\((.+)\)$/s.exec(name) : null;
  if (!m) return [FALSE_LEAF];
  return [['name', operator, m[1]!.trim()], '|', ['country_id.name', 'ilike', m[2]!.trim()], ['country_id.code', '=', m[2]!.trim()]];
}

const OVERRIDES: Record<string, Override> = {
  // odoo/addons/base/models/res_bank.py
  'res.bank': (model, operator, value) => {
    if ((operator === 'ilike' || operator === 'not ilike') && truthy(value)) {
      const domain = ['|', ['bic', '=ilike', `${String(value)}%`], ['name', 'ilike', value]];
      return operator === 'not ilike' ? ['!', ...domain] : domain;
    }
    return baseDisplayNameDomain(model, operator, value);
  },
  // odoo/addons/base/models/res_country.py (CountryState)
  'res.country.state': (model, operator, value) => {
    let domain = baseDisplayNameDomain(model, operator, value);
    if (truthy(value) && !isNegative(operator)) {
      if (operator === 'ilike' || operator === '=') domain = orDomains(asDomain(domain), stateNameDomain(value, operator));
      else if (operator === 'in' && Array.isArray(value)) domain = orDomains(asDomain(domain), ...value.map((name) => stateNameDomain(name, '=')));
    }
    return domain;
  },
  // addons/product/models/product_product.py
  'product.product': (_model, operator, value) => {
    const positive = !isNegative(operator);
    const domains: unknown[][] = [[['name', operator, value]], [['default_code', operator, value]]];
    if (operator === '=' || operator === 'in' || (operator.endsWith('like') && positive)) {
      domains.push([['barcode', 'in', operator !== 'in' ? [value] : value]]);
    }
    const code = operator === '=' && typeof value === 'string' ? /\[(.*?)\]/.exec(value) : null;
    if (code) domains.push([['default_code', '=', code[1]]]);
    return positive ? orDomains(...domains) : andDomains(...domains);
  },
  // addons/product/models/product_template.py (context search_product_product defaults to bool(value))
  'product.template': (model, operator, value) => {
    const domain = asDomain(baseDisplayNameDomain(model, operator, value));
    if (!truthy(value)) return baseDisplayNameDomain(model, operator, value);
    const variants = [['product_variant_ids', operator, value]];
    return isNegative(operator) ? andDomains(domain, variants) : orDomains(domain, variants);
  },
  // addons/account/models/account_account.py (AccountAccount)
  'account.account': (_model, operator, value) => {
    const name = typeof value === 'string' ? value : truthy(value) ? String(value) : '';
    const code = name.split(' ')[0]!;
    const domain = operator === '=' || operator === '!='
      ? ['|', ['code', '=', code], ['name', operator, name]]
      : ['|', ['code', '=like', `${code}%`], ['name', operator, name]];
    return isNegative(operator) ? ['&', '!', ...domain.slice(1)] : domain;
  },
  // addons/account/models/account_account.py (AccountGroup)
  'account.group': (_model, operator, value) => {
    if (operator !== 'ilike' || (typeof value === 'string' && value.trim())) {
      const criteria = isNegative(operator) ? ['&', '!'] : ['|'];
      return [...criteria, ['code_prefix_start', '=ilike', `${String(value)}%`], ['name', operator, value]];
    }
    return [];
  },
};

/** The domain of `display_name <operator> <value>` on `model`, before the search-based overrides. */
export function displayNameDomain(model: ModelInfo, operator: Operator, value: unknown): DisplayNameDomain {
  const override = OVERRIDES[model.name];
  if (override && (model.name !== 'account.group' || model.fields.has('code_prefix_start'))) return override(model, operator, value);
  return baseDisplayNameDomain(model, operator, value);
}
