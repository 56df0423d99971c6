import type { ModelInfo } from '../registry/types.ts';

/**
 * Models whose `_condition_to_sql` rewrites a leaf before it becomes SQL (issue 17), so every
 * search (search, search_read, name_search, search_count, read_group's domain) sees it.
 * res.partner.bank (base/models/res_bank.py): `acc_number` is matched as `sanitized_acc_number`
 * with the value sanitized the same way (`sanitize_account_number`: non-word characters removed,
 * upper-cased), so 'be71 0961' finds 'BE710961…' and `like 'a'` finds 'BANK134567890'.
 */
export function conditionOverride(model: ModelInfo, name: string, value: unknown): { name: string; value: unknown } | null {
  if (model.name === 'res.partner.bank' && name === 'acc_number' && model.fields.get('sanitized_acc_number')?.column) {
    const sanitized = typeof value !== 'string' && Array.isArray(value) ? value.map(sanitizeAccountNumber) : sanitizeAccountNumber(value);
    return { name: 'sanitized_acc_number', value: sanitized };
  }
  return null;
}

/** `sanitize_account_number`: `re.sub(r'\W+', '', number).upper()`, False for an empty number. */
function sanitizeAccountNumber(value: unknown): unknown {
  if (!value) return false;
  if (typeof value !== 'string') return value;
  return value.replace(/[^\p{L}\p{N}_]+/gu, '').toUpperCase();
}
