import type { LegacyCatalog } from './legacy-catalog.ts';

export interface ModelOwnership {
  model: string;
  /** The module that created the model. */
  creator: string;
  /** Modules that add fields or behaviour to a model created elsewhere (`_inherit` without `_name`). */
  extenders: string[];
}

/**
 * Who created each model. `ir_model_data` has one `model_<name>` row per module that declares
 * the model, whether it creates it (`_name`) or extends it (`_inherit`), so the rows alone do
 * not say who owns it. An extending module must depend, directly or not, on the module that
 * created the model (Odoo loads it after its dependencies), so the creator is the one every
 * other declaring module depends on. If the dependency graph cannot decide (a broken or
 * partial `ir_module_module_dependency`), the oldest xml id wins: the creator's row is written
 * when it is installed, before any extender can be.
 */
export function resolveModelOwnership(catalog: LegacyCatalog): Map<string, ModelOwnership> {
  const declaring = new Map<string, string[]>();
  for (const { model, module } of catalog.modelDefinitions) {
    const list = declaring.get(model) ?? [];
    if (!list.includes(module)) list.push(module);
    declaring.set(model, list);
  }
  const closure = dependencyClosure(catalog);
  const result = new Map<string, ModelOwnership>();
  for (const [model, modules] of declaring) {
    const byGraph = modules.filter((candidate) =>
      modules.every((other) => other === candidate || closure(other).has(candidate)),
    );
    const creator = byGraph.length === 1 ? byGraph[0]! : modules[0]!;
    result.set(model, { model, creator, extenders: modules.filter((m) => m !== creator) });
  }
  return result;
}

function dependencyClosure(catalog: LegacyCatalog): (module: string) => Set<string> {
  const cache = new Map<string, Set<string>>();
  const visit = (module: string): Set<string> => {
    const known = cache.get(module);
    if (known) return known;
    const all = new Set<string>();
    cache.set(module, all); // guards against cycles in a damaged dependency table
    for (const dep of catalog.modules.get(module)?.dependsOn ?? []) {
      all.add(dep);
      for (const indirect of visit(dep)) all.add(indirect);
    }
    return all;
  };
  return visit;
}
