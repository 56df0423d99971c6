import type { FieldOperation } from '../access/field-groups.ts';
import type { MethodTable } from './method.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';

/**
 * `check_field_access_rights(operation, field_names)` (models.py 18, `@api.model`), public and
 * called by clients to learn what they may read: the names as given when the user may access
 * them all (unknown names pass), Odoo's AccessError naming those they may not, and with no
 * names the fields the user may access (access/field-groups.ts).
 */
export const FIELD_ACCESS_METHODS: MethodTable = {
  check_field_access_rights: {
    api: 'model',
    signature: { qualname: 'BaseModel.check_field_access_rights', params: [{ name: 'operation' }, { name: 'field_names' }] },
    async run(ctx, model, a) {
      const names = a.field_names;
      const empty = names === null || names === undefined || names === false || names === '' || names === 0 || (Array.isArray(names) && !names.length);
      // `[name for name, field in self._fields.items() if field.is_accessible(env)]`: the class's field order, as fields_get lists them.
      if (empty) return ctx.fieldAccess.accessibleOnly(model, pythonFieldOrder(ctx.registry, model));
      // Python iterates what it is given: a string's characters, a dict's keys.
      const iterated = Array.isArray(names) ? names : typeof names === 'string' ? [...names] : names && typeof names === 'object' ? Object.keys(names) : [];
      ctx.fieldAccess.check(model, String(a.operation) as FieldOperation, iterated);
      return names;
    },
  },
};
