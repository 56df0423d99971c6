import { PYTHON_CHECK_COMPANY_DOMAIN, PYTHON_FIELD_DESCRIPTIONS } from './python-field-description.generated.ts';
import { PYTHON_FIELD_FACTS } from './python-field-facts.generated.ts';
import type { CheckCompanyDomainKind, DescriptionDefinition, DescriptionParams } from './python-field-description-types.ts';
import type { Registry } from './types.ts';

/**
 * The parameters of a field's Python definitions that fields_get describes and `ir_model_fields`
 * does not keep (change_default, attachment, translate, trim, aggregator, context, domain,
 * check_company, model_field, definition, dynamic selections…), extracted by
 * scripts/extract-python-field-description.py and merged here as odoo/fields.py `_get_attrs` does:
 * the definitions of the installed modules in order, the `_inherit` ancestors' (mixins) first, a
 * later one's parameters over earlier ones', and a definition whose class is neither the previous
 * one's nor a subclass of it dropping what was collected (`not isinstance(self, type(field))`).
 */
export type { DescriptionParams, PythonDomain, PythonSelection } from './python-field-description-types.ts';

/** fields.py classes that subclass another field class (only those that matter to `isinstance`). */
const SUBCLASS_OF: Readonly<Record<string, string>> = { Image: 'Binary', Reference: 'Selection', Many2oneReference: 'Integer' };

function isInstanceOf(type: string, of: string): boolean {
  for (let t: string | undefined = type; t; t = SUBCLASS_OF[t]) if (t === of) return true;
  return false;
}

/** `model` and its `_inherit` ancestors (mixins), farthest first, the model itself last. */
function ancestorsFirst(model: string): string[] {
  const out = [model];
  for (let i = 0; i < out.length; i++) for (const p of PYTHON_FIELD_FACTS.inherits[out[i]!] ?? []) if (!out.includes(p)) out.push(p);
  return out.reverse();
}

const cache = new WeakMap<Registry, Map<string, MergedDefinition | null>>();

export interface MergedDefinition {
  /** The field class of the last definition (`Char`, `Image`…). */
  readonly type: string;
  readonly params: Readonly<DescriptionParams>;
}

/** `_get_attrs` of the field as the installed modules define it, or null when no Python source defines it (manual fields). */
export function pythonDescriptionOf(registry: Registry, model: string, field: string): MergedDefinition | null {
  let byKey = cache.get(registry);
  if (!byKey) cache.set(registry, (byKey = new Map()));
  const key = `${model}.${field}`;
  const cached = byKey.get(key);
  if (cached !== undefined) return cached;
  const definitions: DescriptionDefinition[] = [];
  for (const owner of ancestorsFirst(model)) {
    for (const d of PYTHON_FIELD_DESCRIPTIONS[owner]?.[field] ?? []) if (registry.modules.has(d.module)) definitions.push(d);
  }
  let merged: MergedDefinition | null = null;
  for (const d of definitions) {
    const params: DescriptionParams = merged && isInstanceOf(d.type, merged.type) ? { ...merged.params } : {};
    Object.assign(params, d.params);
    merged = { type: d.type, params };
  }
  byKey.set(key, merged);
  return merged;
}

/** The model's `_check_company_domain` as its classes (and mixins) leave it: 'base' for BaseModel's own. */
export function checkCompanyDomainKind(registry: Registry, model: string): CheckCompanyDomainKind | 'base' {
  let kind: CheckCompanyDomainKind | 'base' = 'base';
  for (const owner of ancestorsFirst(model)) {
    for (const d of PYTHON_CHECK_COMPANY_DOMAIN[owner] ?? []) if (registry.modules.has(d.module)) kind = d.kind;
  }
  return kind;
}

/**
 * Whether the field is `store=False` with neither `compute`, `related` nor `default` in any of its
 * definitions (a search-only field such as mail.thread.phone's `phone_mobile_search`): fields.py
 * `__get__` reads a non-stored, non-computed field as its default, so without one reading it gives
 * the type's empty value (False, or [] for an x2many). Installation-independent: every known
 * definition along the `_inherit` chain must agree.
 */
export function isPlainNonStored(model: string, field: string): boolean {
  const definitions = ancestorsFirst(model).flatMap((owner) => PYTHON_FIELD_DESCRIPTIONS[owner]?.[field] ?? []);
  if (!definitions.length) return false;
  const merged: DescriptionParams = {};
  for (const d of definitions) Object.assign(merged, d.params);
  return merged.store === false && !merged.compute && !merged.related && !merged.default;
}
