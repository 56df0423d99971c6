import type { OdooCall } from '../../../odoo-bridge/call.ts';
import type { ModelInfo, Registry } from '../../../odoo-bridge/orm/registry/types.ts';

/**
 * The tables whose rows a legacy-side create or write names by id in its values: a many2one's
 * comodel, a many2many's comodel (its ids in (6, 0, ids) / (4, id) commands), and the same inside
 * the values of one2many and many2many (0, 0, vals) / (1, id, vals) commands. The monolith keeps
 * Odoo's foreign keys, so such a row must be there before the INSERT: once the row's module is in
 * phase `service`, it is there only after the reverse sync applied it, a moment after the service
 * answered the client that made it (a tag made on svc_content, then a question naming it on a
 * monolith that still owns M12: PostgreSQL's ForeignKeyViolation). Read-your-writes holds such a
 * write as it holds a read of those tables (read-your-writes.ts). Decided from the call alone.
 */
export function tablesNamedByWrite(registry: Registry, call: Pick<OdooCall, 'model' | 'method' | 'args' | 'kwargs'>): Set<string> {
  const tables = new Set<string>();
  const model = registry.model(call.model);
  if (!model) return tables;
  const vals = call.method === 'create' ? call.args[0] ?? call.kwargs.vals_list ?? call.kwargs.vals : call.method === 'write' ? call.args[1] ?? call.kwargs.vals : undefined;
  for (const one of Array.isArray(vals) ? vals : [vals]) named(registry, model, one, tables, 0);
  return tables;
}

/** Nested commands deeper than this are not followed (Odoo forms nest one or two levels). */
const MAX_DEPTH = 4;

function named(registry: Registry, model: ModelInfo, vals: unknown, tables: Set<string>, depth: number): void {
  if (!vals || typeof vals !== 'object' || Array.isArray(vals) || depth > MAX_DEPTH) return;
  for (const [name, value] of Object.entries(vals as Record<string, unknown>)) {
    const field = model.fields.get(name);
    if (!field?.relation) continue;
    const comodel = registry.model(field.relation);
    if (!comodel) continue;
    if (field.type === 'many2one') {
      if (typeof value === 'number' && value > 0 && comodel.table) tables.add(comodel.table);
      continue;
    }
    if ((field.type !== 'many2many' && field.type !== 'one2many') || !Array.isArray(value)) continue;
    for (const command of value) {
      if (!Array.isArray(command)) continue;
      const [op, , third] = command as [number, unknown, unknown];
      if (op === 6 && Array.isArray(third) && third.length && comodel.table) tables.add(comodel.table);
      else if (op === 4 && comodel.table) tables.add(comodel.table);
      else if (op === 0 || op === 1) named(registry, comodel, third, tables, depth + 1);
    }
  }
}
