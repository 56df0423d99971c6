import { sql } from 'kysely';
import { accessError, keyError, OdooError, valueError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import { run } from '../sql/execute.ts';
import type { MethodTable } from './method.ts';
import { searchIds, searchSource } from './search-source.ts';

/** Python's `str()` of a JSON value, as `"%s" % value` formats it. */
const pyStr = (value: unknown) => (typeof value === 'string' ? value : pyRepr(value));

const pyTruthy = (value: unknown) =>
  Array.isArray(value) ? value.length > 0 : value && typeof value === 'object' ? Object.keys(value).length > 0 : Boolean(value);

/**
 * `ir.model.data.check_object_reference(module, xml_id, raise_on_access_error=False)`
 * (base/models/ir_model.py): the (model, res_id) of an external id, when the caller's search
 * finds that record (model ACL, record rules, active_test); otherwise (model, False), or an
 * AccessError when asked to raise. odoorpc's `env.ref('module.name')` calls it.
 */
export const XMLID_METHODS: MethodTable = {
  check_object_reference: {
    api: 'model',
    signature: { qualname: 'IrModelData.check_object_reference', params: [{ name: 'module' }, { name: 'xml_id' }, { name: 'raise_on_access_error', default: false }] },
    async run(ctx, model, a) {
      if (model.name !== 'ir.model.data') throw new OdooError('builtins.AttributeError', `The method 'check_object_reference' does not exist on the model '${model.name}'`);
      const module = pyStr(a.module);
      const xmlId = pyStr(a.xml_id);
      // `_xmlid_lookup("%s.%s" % (module, xml_id))` splits the joined text again at its first dot.
      const full = `${module}.${xmlId}`;
      const dot = full.indexOf('.');
      const [lookupModule, lookupName] = [full.slice(0, dot), full.slice(dot + 1)];
      const rows = await run<{ model: string; res_id: number | null }>(ctx.db, sql`SELECT model, res_id FROM ir_model_data WHERE module = ${lookupModule} AND name = ${lookupName} LIMIT 1`);
      const found = rows[0];
      if (!found || !found.res_id) throw valueError(`External ID not found in the system: ${full}`);
      const target = ctx.registry.model(found.model);
      if (!target) throw keyError(found.model);
      ctx.access.checkModel(target, 'read');
      const visible = await searchIds(ctx, target, searchSource(ctx, target, [['id', '=', found.res_id]], { order: null, limit: null, offset: 0 }));
      if (visible.length) return [found.model, found.res_id];
      if (pyTruthy(a.raise_on_access_error)) {
        throw accessError(`Not enough access rights on the external ID "${module}.${xmlId}"`);
      }
      return [found.model, false];
    },
  },
};
