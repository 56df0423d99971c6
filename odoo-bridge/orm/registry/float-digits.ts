import { pythonDescriptionOf } from './python-field-description.ts';
import { pythonDigitsOf } from './python-field-facts.ts';
import { relatedTarget } from './related-field-target.ts';
import type { FieldInfo, ModelInfo, Registry } from './types.ts';

/**
 * What a Float field rounds to (fields.py `Float.get_digits`): a fixed scale from `digits=(p, s)`,
 * the name of a `decimal.precision` row (`digits='Product Price'`, read from the database when
 * used), or null when the field has no digits (or `digits=0`: `if digits := ...` is false).
 * A related or `_inherits` field takes its target's (`_related_digits`).
 */
export type FloatDigits = { readonly scale: number } | { readonly precision: string } | null;

export function floatDigitsOf(registry: Registry, model: ModelInfo, field: FieldInfo, depth = 0): FloatDigits {
  if (field.type !== 'float') return null;
  const merged = pythonDescriptionOf(registry, model.name, field.name);
  let raw: unknown = merged && 'digits' in merged.params ? merged.params.digits : undefined;
  if (raw === undefined) raw = pythonDigitsOf(registry, model.name, field.name);
  if (raw === undefined || raw === null) {
    const target = depth < 16 ? relatedTarget(registry, model, field) : null;
    return target ? floatDigitsOf(registry, target.model, target.field, depth + 1) : null;
  }
  if (Array.isArray(raw) && typeof raw[1] === 'number') return { scale: raw[1] };
  if (raw && typeof raw === 'object' && 'precision' in raw) return { precision: (raw as { precision: string }).precision };
  return null;
}
