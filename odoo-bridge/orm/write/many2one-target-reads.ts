import { fieldDepends, isPythonComputed } from '../registry/python-field-facts-depends.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';

/**
 * Whether writing the many2one `name` makes Odoo read the target record before the row is
 * flushed: a stored compute of the model depends on the field (or on a path through it), so the
 * recompute that `flush` runs first fetches the target — a missing one is a MissingError naming
 * it (res.partner country_id, golden seq_partner#42: phone_sanitized reads country_id.phone_code).
 * Without such a compute the UPDATE meets the foreign key first, the ValidationError create
 * gives (res.partner.category parent_id, seq_wcat#20; odoo/models.py `write` → `flush_recordset`,
 * `_parent_store_update` after it). Dependencies Ficus cannot evaluate count as a read.
 */
export function readsTargetBeforeFlush(registry: Registry, model: ModelInfo, name: string): boolean {
  // A `_parent_store` model's write flushes its parent column before anything is recomputed
  // (`self.flush_model([self._parent_name])`): the foreign key speaks first (product.category).
  if (model.parentStore && name === (model.parentName ?? 'parent_id')) return false;
  for (const field of model.fields.values()) {
    if (field.name === name || !field.store || !field.column || !isPythonComputed(registry, model, field)) continue;
    const depends = fieldDepends(registry, model, field);
    if (!depends) return true;
    if (depends.some((path) => path === name || path.startsWith(`${name}.`))) return true;
  }
  return false;
}
