import type { ComputedField } from './computed-field.ts';

/** Non-stored computes of mail.* and ir.* models that an all-fields read answers. */
export const MAIL_IR_COMPUTED_FIELDS: Record<string, ComputedField> = {};
