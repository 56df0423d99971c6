import { pythonDescriptionOf } from './python-field-description.ts';
import { pythonDigitsOf } from './python-field-facts.ts';
import { relatedTarget } from './related-field-target.ts';
import type { FieldInfo, ModelInfo, Registry } from './types.ts';

/**
 * A field's `digits=` as its definitions write it: `(precision, scale)`, a decimal.precision name
 * (`{ precision }`), `0`, or undefined when neither it nor its related / `_inherits` target
 * declares one (`_related_digits`). fields_get describes it (methods/field-description.ts
 * `digitsOf`); writes and comparisons round to it (`floatDigitsOf`).
 */
export function declaredDigits(registry: Registry, model: ModelInfo, field: FieldInfo, depth = 0): unknown {
  const merged = pythonDescriptionOf(registry, model.name, field.name);
  const raw: unknown = merged && 'digits' in merged.params ? merged.params.digits : pythonDigitsOf(registry, model.name, field.name);
  if (raw !== undefined && raw !== null) return raw;
  const target = depth < 16 ? relatedTarget(registry, model, field) : null;
  return target ? declaredDigits(registry, target.model, target.field, depth + 1) : undefined;
}

/**
 * What a Float field rounds to (fields.py `Float.get_digits`): a fixed scale from `digits=(p, s)`,
 * the name of a `decimal.precision` row (`digits='Product Price'`, read from the database when
 * used), or null when the field has no digits (or `digits=0`: `if digits := ...` is false).
 */
export type FloatDigits = { readonly scale: number } | { readonly precision: string } | null;

export function floatDigitsOf(registry: Registry, model: ModelInfo, field: FieldInfo): FloatDigits {
  if (field.type !== 'float') return null;
  const raw = declaredDigits(registry, model, field);
  if (Array.isArray(raw) && typeof raw[1] === 'number') return { scale: raw[1] };
  if (raw && typeof raw === 'object' && 'precision' in raw) return { precision: (raw as { precision: string }).precision };
  return null;
}
