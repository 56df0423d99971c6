import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
import { run } from '../sql/execute.ts';
import type { MethodTable } from './method.ts';

/**
 * res.lang's public `@api.model` helpers clients call to fill a language picker
 * (odoo/addons/base/models/res_lang.py, Odoo 18).
 */
export const LANG_METHODS: MethodTable = {
  get_installed: {
    api: 'model',
    signature: { qualname: 'Lang.get_installed', params: [] },
    // `[(code, data.name) for code, data in self._get_active_by('code').items()]`: the active
    // languages, read as superuser, ordered by name.
    async run(ctx, model) {
      if (model.name !== 'res.lang') throw new OdooError('builtins.AttributeError', `The method 'get_installed' does not exist on the model '${model.name}'`);
      const rows = await run<{ code: string; name: string }>(ctx.db, sql`SELECT code, name FROM res_lang WHERE active ORDER BY name`);
      return rows.map((row) => [row.code, row.name]);
    },
  },
};
