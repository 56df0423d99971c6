import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';
import { pythonSearchFields } from '../registry/python-model-facts.ts';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';

/**
 * fields.py `_description_searchable`: `bool(field.store or field.search)`, where a related
 * field gets `_search_related` only when its target is searchable (`_setup_related_full`), and a
 * computed field is searchable when its definition names a `search=` method (from the addons'
 * sources, registry/python-model-facts.generated.ts). `display_name` searches `_rec_name`.
 */
export function isSearchable(registry: Registry, model: ModelInfo, field: FieldInfo, depth = 0): boolean {
  if (field.store || field.name === 'display_name') return true;
  if (depth > 8) return false;
  const genuineRelated = field.related && COMPUTED_AS_RELATED[`${model.name}.${field.name}`] !== field.related;
  if (genuineRelated) {
    let current: ModelInfo | undefined = model;
    const path = field.related!.split('.');
    for (const name of path.slice(0, -1)) current = registry.model(current?.fields.get(name)?.relation ?? '');
    const target = current?.fields.get(path[path.length - 1]!);
    return !!current && !!target && isSearchable(registry, current, target, depth + 1);
  }
  return pythonSearchFields(model.name, registry.modules).has(field.name);
}
