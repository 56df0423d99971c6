import { emailNormalize, emailSplit } from '../write/mail/email-address.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { SearchEnv } from './search-env.ts';

/**
 * The `_search` overrides of the installed modules that rewrite the domain they are given (issue
 * 17). They see the domain of one `_search` call — the caller's, or a sub-search's through a path
 * (expression.py calls `comodel._search` for it) — but not the record rules (`_apply_ir_rules`
 * adds them after) nor the leaves a `display_name` search expands to (those are built inside).
 * Each leaf of Odoo's flat prefix domain is an item of the list, so the rewrite looks at items only:
 * - account.tax (account_tax.py): `('name', 'like'|'ilike', text)` searches
 *   `_parse_name_search(text)`, '21M' as '2%1%M' ("21% M", "21% EU M");
 * - mail.blacklist (mail_blacklist.py): an `email` leaf with a text value searches the normalized
 *   address (lower-cased, the first address of a single-address text), when there is one;
 * - product.product (product_product.py): `search_default_categ_id` in the context appends
 *   `('categ_id', 'child_of', <it>)`.
 */
type Item = string | readonly unknown[];

export function searchDomainOverride<T extends Item>(env: SearchEnv, model: ModelInfo, items: T[]): (T | unknown[])[] {
  switch (model.name) {
    case 'account.tax':
      return items.map((item) => (isLeaf(item) && item[0] === 'name' && (item[1] === 'ilike' || item[1] === 'like') && typeof item[2] === 'string' ? [item[0], item[1], parseTaxNameSearch(item[2])] : item));
    case 'mail.blacklist':
      return items.map((item) => {
        if (!isLeaf(item) || item[0] !== 'email' || typeof item[2] !== 'string') return item;
        const normalized = strictEmailNormalize(item[2]);
        return normalized ? [item[0], item[1], normalized] : item;
      });
    case 'product.product': {
      const category = env.context?.search_default_categ_id;
      return category ? [...items, ['categ_id', 'child_of', category]] : items;
    }
    default:
      return items;
  }
}

function isLeaf(item: Item): item is readonly unknown[] {
  return Array.isArray(item) && item.length === 3;
}

/**
 * `AccountTax._parse_name_search`: quoted parts kept as typed (their '%' as '_') between '%';
 * elsewhere the word characters only, each separated by '%'.
 */
export function parseTaxNameSearch(name: string): string {
  return name
    .split(/("[^"]*")/)
    .map((part) => {
      if (!part) return part;
      if (/"[^"]*"/.test(part)) return `%${part.replace(/%/g, '_').replace(/"/g, '')}%`;
      return [...part.replace(/[^\p{L}\p{N}_]+/gu, '')].join('%');
    })
    .join('');
}

/** `tools.email_normalize(text)` (strict): False unless the text holds exactly one address. */
function strictEmailNormalize(text: string): string | false {
  return emailSplit(text).length === 1 ? emailNormalize(text) : false;
}
