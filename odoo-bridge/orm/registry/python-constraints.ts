import { PYTHON_CONSTRAINT_FACTS } from './python-constraint-facts.generated.ts';
import type { ConstraintFact } from './python-constraint-facts-types.ts';
import { PYTHON_FIELD_FACTS } from './python-field-facts.generated.ts';
import type { Registry } from './types.ts';

/** A constraint method as the served database has it: `installed` false when none of its modules is installed there. */
export type ServedConstraint = ConstraintFact & { readonly installed: boolean };

const cache = new WeakMap<Registry, Map<string, readonly ServedConstraint[]>>();

/**
 * The model's `_constraint_methods` (odoo/models.py) in the served database: every `@api.constrains`
 * method of its classes and of its `_inherit` ancestors (mixins) from the installed modules, one per
 * method name (an override in a later module replaces the earlier definition, api.propagate keeping
 * the decorator; a redecorated override's fields win). A method of modules the database does not
 * list as installed comes with `installed: false` (a service database serving the module's
 * models may not carry `ir_module_module`; a registered check then says the module is served).
 */
export function constraintMethods(registry: Registry, model: string): readonly ServedConstraint[] {
  let byModel = cache.get(registry);
  if (!byModel) cache.set(registry, (byModel = new Map()));
  const known = byModel.get(model);
  if (known) return known;
  const lineage = [model];
  for (let i = 0; i < lineage.length; i++) for (const p of PYTHON_FIELD_FACTS.inherits[lineage[i]!] ?? []) if (!lineage.includes(p)) lineage.push(p);
  const byMethod = new Map<string, ServedConstraint>();
  // Ancestors first, so the model's own definitions (and later modules) replace theirs; an installed definition beats any other.
  for (const owner of [...lineage].reverse()) {
    for (const fact of PYTHON_CONSTRAINT_FACTS[owner] ?? []) {
      const installed = registry.modules.has(fact.module);
      if (installed || !byMethod.get(fact.method)?.installed) byMethod.set(fact.method, { ...fact, installed });
    }
  }
  const out = [...byMethod.values()];
  byModel.set(model, out);
  return out;
}

/** `_validate_fields(field_names)`: the constraint methods whose fields meet the written names. */
export function triggeredConstraints(registry: Registry, model: string, written: ReadonlySet<string>): readonly ServedConstraint[] {
  return constraintMethods(registry, model).filter((c) => c.fields.some((f) => f === '*' || written.has(f)));
}
