import { PYTHON_MODEL_FACTS } from './python-model-facts.generated.ts';
import type { ModelClassFacts } from './python-model-facts-types.ts';

/** What a model's Python classes say of its names (undefined: BaseModel's default applies). */
export interface PythonNameFacts {
  recName?: string | null;
  recNamesSearch?: string[];
}

/**
 * `_rec_name` and `_rec_names_search` of `model` as Python's MRO resolves them over the classes of
 * the modules installed in this database (python-model-facts.generated.ts, extracted from the
 * addons' sources): the last installed class of the model that sets the attribute, else its
 * `_inherit` parents in order (an abstract mixin's `_rec_name` reaches every model using it).
 */
export function pythonNameFacts(model: string, installed: ReadonlySet<string>): PythonNameFacts {
  return {
    ...resolve(model, installed, 'recName', new Set()),
    ...resolve(model, installed, 'recNamesSearch', new Set()),
  };
}

function resolve(model: string, installed: ReadonlySet<string>, key: 'recName' | 'recNamesSearch', seen: Set<string>): PythonNameFacts {
  if (seen.has(model)) return {};
  seen.add(model);
  const classes = (PYTHON_MODEL_FACTS[model] ?? []).filter((c: ModelClassFacts) => !installed.size || installed.has(c.module));
  for (let i = classes.length - 1; i >= 0; i--) {
    const own = classes[i]!;
    if (key in own) return { [key]: own[key] } as PythonNameFacts;
    // A class's own `_inherit` parents come right after it in the MRO, before earlier classes.
    for (const parent of own.inherit ?? []) {
      const found = resolve(parent, installed, key, seen);
      if (key in found) return found;
    }
  }
  return {};
}

/**
 * Fields of `model` some installed class of its MRO (its own classes, then its `_inherit`
 * parents, transitively) defines with a `search=` method: Odoo's `searchable` for a non-stored
 * field that is not related.
 */
export function pythonSearchFields(model: string, installed: ReadonlySet<string>, seen: Set<string> = new Set()): Set<string> {
  const found = new Set<string>();
  if (seen.has(model)) return found;
  seen.add(model);
  for (const own of (PYTHON_MODEL_FACTS[model] ?? []).filter((c: ModelClassFacts) => !installed.size || installed.has(c.module))) {
    for (const name of own.searchFields ?? []) found.add(name);
    for (const parent of own.inherit ?? []) for (const name of pythonSearchFields(parent, installed, seen)) found.add(name);
  }
  return found;
}

/** The `_table` a class of `model` sets (the last one that does), whatever is installed: the table to look for first. */
export function pythonTable(model: string): string | undefined {
  const classes = PYTHON_MODEL_FACTS[model] ?? [];
  for (let i = classes.length - 1; i >= 0; i--) if (classes[i]!.table) return classes[i]!.table;
  return undefined;
}
