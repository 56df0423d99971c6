import { classesInMro } from './python-field-facts-depends.ts';
import type { ModelInfo, Registry } from './types.ts';

/**
 * The order of a model's `_fields`, which fields_get and an all-fields read follow (models.py
 * `_setup_base`, Odoo 18): the field definitions of the model's classes along the reversed MRO
 * (a mixin's before the model's own, an extension of a mixin right after the mixin's), each class's
 * in declaration order followed by the automatic fields MetaModel appends to the class defining
 * the model (id, display_name, the log-access fields); then the manual fields; then the `_inherits`
 * fields not defined locally, in the parent's own order (`_add_inherited_fields`).
 *
 * `ir_model_fields` ids give the order of installation instead (a module extending a mixin later
 * adds its fields at the end), which is the fallback for fields no Python class declares.
 */
const cache = new WeakMap<Registry, Map<string, readonly string[]>>();

export function pythonFieldOrder(registry: Registry, model: ModelInfo, depth = 0): readonly string[] {
  let byModel = cache.get(registry);
  if (!byModel) cache.set(registry, (byModel = new Map()));
  const cached = byModel.get(model.name);
  if (cached) return cached;
  const seen = new Set<string>();
  const out: string[] = [];
  // A field a class declares is the model's own even when it reads its `_inherits` parent's
  // (res.users `name = fields.Char(related='partner_id.name', inherited=True)`).
  const add = (name: string, declared: boolean) => {
    if (seen.has(name) || !model.fields.has(name) || (!declared && model.fields.get(name)!.inheritedVia)) return;
    seen.add(name);
    out.push(name);
  };
  for (const klass of [...classesInMro(registry, model.name)].reverse()) {
    for (const name of klass.declared ?? []) add(name, true);
    for (const name of klass.automatic ?? []) add(name, true);
  }
  // Fields no installed class declares (manual fields, and any the extraction missed) in id order.
  for (const name of model.fieldOrder) add(name, false);
  // `_inherits` fields, in their parent model's order.
  for (const [parentModel] of model.inherits) {
    const parent = registry.model(parentModel);
    if (!parent || depth > 8) continue;
    for (const name of pythonFieldOrder(registry, parent, depth + 1)) {
      if (seen.has(name) || !model.fields.has(name)) continue;
      seen.add(name);
      out.push(name);
    }
  }
  for (const name of model.fieldOrder) if (!seen.has(name)) { seen.add(name); out.push(name); }
  byModel.set(model.name, out);
  return out;
}
