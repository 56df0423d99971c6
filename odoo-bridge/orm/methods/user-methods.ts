import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
import { run } from '../sql/execute.ts';
import type { MethodTable } from './method.ts';

/**
 * `res.users.context_get()` (odoo/addons/base/models/res_users.py): the caller's own `lang`,
 * `tz` and every `context_*` field of res.users, read without access checks. odoorpc calls it
 * right after logging in; only res.users has it.
 */
export const USER_METHODS: MethodTable = {
  context_get: {
    api: 'model',
    signature: { qualname: 'Users.context_get', params: [] },
    async run(ctx, model) {
      if (model.name !== 'res.users') {
        throw new OdooError('builtins.AttributeError', `The method 'context_get' does not exist on the model '${model.name}'`);
      }
      const contextFields = [...model.fields.values()].filter((f) => f.name.startsWith('context_') && f.column);
      const rows = await run(
        ctx.db,
        sql`SELECT p.lang, p.tz ${sql.join(contextFields.map((f) => sql`, u.${sql.ref(f.column!)}`), sql``)}
              FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${ctx.uid}`,
      );
      const row = rows[0] ?? {};
      const result: Record<string, unknown> = { lang: row.lang ?? false, tz: row.tz ?? false };
      for (const field of contextFields) result[field.name.slice('context_'.length)] = row[field.column!] ?? false;
      return result;
    },
  },
};
