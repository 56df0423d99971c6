import type { ComputedField } from './computed-field.ts';

/** Non-stored computes of product, product attribute, currency rate and sale.order.line that an all-fields read answers. */
export const PRODUCT_SALE_LINE_COMPUTED_FIELDS: Record<string, ComputedField> = {};
