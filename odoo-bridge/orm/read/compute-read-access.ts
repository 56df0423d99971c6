import { fieldDepends } from '../registry/python-field-facts-depends.ts';
import { pythonDescriptionOf } from '../registry/python-field-description.ts';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';

/**
 * The read right a compute Ficus refuses would have needed first. Odoo runs a non-stored compute
 * as the reader (`compute_sudo` is False unless the field says otherwise), so a compute that
 * follows a relation of its `@api.depends` (`line_ids`, `line_ids.value`) reads that comodel as the
 * reader and fails with the comodel's AccessError before it produces anything: portal reading
 * account.payment.term's example_preview gets "You are not allowed to access 'Payment Terms Line'".
 * Ficus cannot run the compute, but it can give that answer: each comodel along the dependency
 * paths is checked with the reader's ACL (`checkRead` throws Odoo's AccessError), in path order,
 * before the refusal. Nothing is checked for sudo reads (no `checkRead`), for computes declared
 * `compute_sudo=True`, or when the dependencies are not known.
 */
export function checkComputeDependencyAccess(registry: Registry, model: ModelInfo, field: FieldInfo, checkRead: ((model: ModelInfo) => void) | undefined): void {
  if (!checkRead || field.column || field.related || field.inheritedVia) return;
  const sudo = pythonDescriptionOf(registry, model.name, field.name)?.params.compute_sudo;
  if (sudo === true || (typeof sudo === 'object' && sudo !== null)) return;
  const paths = fieldDepends(registry, model, field);
  if (!paths) return;
  for (const path of paths) {
    let current: ModelInfo | undefined = model;
    for (const hop of path.split('.')) {
      const hopField: FieldInfo | undefined = current?.fields.get(hop);
      if (!hopField?.relation) break;
      const comodel = registry.model(hopField.relation);
      if (!comodel) break;
      checkRead(comodel);
      current = comodel;
    }
  }
}
