import { describe, expect, it } from 'vitest';
import { parseTaxNameSearch } from '../../../../odoo-bridge/orm/domain/search-overrides.ts';

/** account.tax `_parse_name_search`, on the examples of its docstring (addons/account/models/account_tax.py). */
describe('account.tax name search parsing', () => {
  it.each([
    ['0EUM', '0%E%U%M'],
    ['21M', '2%1%M'],
    ['21" M"', '2%1% M%'],
    ['21" M"co', '2%1% M%c%o'],
    ['15 %', '1%5'],
    ['"10%" x', '%10_%x'],
  ])('%s searches %s', (typed, parsed) => {
    expect(parseTaxNameSearch(typed)).toBe(parsed);
  });
});
