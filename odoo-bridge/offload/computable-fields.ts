import type { ServedDatabase } from '../call.ts';
import { OdooError } from '../errors.ts';
import { refusalOf } from '../orm/read/read-records.ts';
import { loadRegistry } from '../orm/registry/registry-cache.ts';
import type { ModelInfo, Registry } from '../orm/registry/types.ts';
import type { AskedFields } from './read-class.ts';

/**
 * Why the engine cannot answer a call asking for `asked` on `model` exactly: the first field it
 * cannot compute (a non-stored compute whose Python it does not re-implement, a related path
 * through an x2many, a one2many without a stored inverse), or null when it can compute all of
 * them. For "all fields" every field of the model counts: the engine leaves out what it cannot
 * compute, where Odoo would return it. A model the engine does not know is left to the
 * comparison (both answer an error). The texts name models and fields, never values.
 */
export async function fieldRefusal(database: ServedDatabase, model: string, asked: AskedFields): Promise<string | null> {
  const registry = await loadRegistry(database);
  const info = registry.model(model);
  return info ? refusalIn(registry, info, asked, 0) : null;
}

function refusalIn(registry: Registry, model: ModelInfo, asked: AskedFields, depth: number): string | null {
  const names = asked.names === '*' ? model.fieldOrder : asked.names;
  for (const name of names) {
    const field = model.fields.get(name);
    if (!field) continue; // an unknown field is Odoo's ValueError, which the engine answers too
    const refusal = name === 'id' ? null : refusalOf(registry, model, field);
    if (refusal) return refusal instanceof OdooError ? refusal.message : `${model.name}.${name}`;
    const nested = asked.nested?.get(name);
    const comodel = nested && field.relation ? registry.model(field.relation) : undefined;
    if (nested && comodel && depth < 4) {
      const inner = refusalIn(registry, comodel, nested, depth + 1);
      if (inner) return inner;
    }
  }
  return null;
}
