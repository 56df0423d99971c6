/** web_read's `specification`: per field, what to read of it (sub-fields, x2many limit and order, context). */
export type Specification = Record<string, FieldSpec | null>;
export interface FieldSpec {
  fields?: Specification;
  limit?: number;
  order?: string;
  context?: unknown;
}
