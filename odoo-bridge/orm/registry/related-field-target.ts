import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';
import type { FieldInfo, ModelInfo, Registry } from './types.ts';

/** The field a related / `_inherits` field reads, or null for other fields (fields.py `setup_related`: the `_related_<attr>` values come from it). */
export function relatedTarget(registry: Registry, model: ModelInfo, field: FieldInfo): { model: ModelInfo; field: FieldInfo } | null {
  if (field.inheritedVia) {
    const parent = registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
    const target = parent?.fields.get(field.name);
    return parent && target ? { model: parent, field: target } : null;
  }
  // Computes Ficus reads like a related field (read/computed-fields.ts) are not related in Odoo.
  if (!field.related || COMPUTED_AS_RELATED[`${model.name}.${field.name}`] === field.related) return null;
  let current: ModelInfo | undefined = model;
  const path = field.related.split('.');
  for (const hop of path.slice(0, -1)) current = registry.model(current?.fields.get(hop)?.relation ?? '');
  const target = current?.fields.get(path[path.length - 1]!);
  return current && target ? { model: current, field: target } : null;
}
