import type { ComputedField } from './computed-field.ts';

/** Non-stored computes of account.* records (accounts, moves, journals, taxes, payment terms) that an all-fields read answers. */
export const ACCOUNT_RECORD_COMPUTED_FIELDS: Record<string, ComputedField> = {};
