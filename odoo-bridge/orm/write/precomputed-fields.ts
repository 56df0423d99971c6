import { pythonDescriptionOf } from '../registry/python-field-description.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';

const byModel = new WeakMap<Registry, Map<string, readonly string[]>>();

/** The model's `precompute=True` fields, from the Python definitions (python-field-description). */
export function precomputedFields(registry: Registry, model: ModelInfo): readonly string[] {
  let models = byModel.get(registry);
  if (!models) byModel.set(registry, (models = new Map()));
  let names = models.get(model.name);
  if (!names) {
    names = [...model.fields.keys()].filter((name) => pythonDescriptionOf(registry, model.name, name)?.params.precompute === true);
    models.set(model.name, names);
  }
  return names;
}
