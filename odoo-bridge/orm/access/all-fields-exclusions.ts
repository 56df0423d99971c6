import type { ModelInfo } from '../registry/types.ts';

/**
 * Fields a model's own `check_field_access_rights` override drops when no names are given (an
 * all-fields read), even for the superuser: account/models/account_move.py and
 * account_move_line.py (Odoo 18) leave out their "weirdos", computed values whose keys are not
 * strings (frozendict) or that only forms use. Named explicitly, they are read as usual. Models
 * that only inherit the fields (account.bank.statement.line through `_inherits`) keep them.
 */
const LEFT_OUT_OF_ALL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'account.move': ['needed_terms', 'quick_encoding_vals', 'payment_term_details'],
  'account.move.line': ['term_key', 'epd_key', 'epd_needed', 'discount_allocation_key', 'discount_allocation_needed'],
};

/** `names` without the fields `model`'s override leaves out of an all-fields list. */
export function withoutAllFieldsExclusions(model: ModelInfo, names: readonly string[]): string[] {
  const left = LEFT_OUT_OF_ALL_FIELDS[model.name];
  return left ? names.filter((name) => !left.includes(name)) : [...names];
}
