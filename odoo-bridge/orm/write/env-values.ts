import type { CallContext } from '../call-context.ts';

/**
 * Values Python behaviour takes from `self.env` and `fields`, shared by every port of an addon's
 * Python (the services' and the legacy side's).
 */

/** `default=lambda self: self.env.company.currency_id`. */
export async function companyCurrency(ctx: CallContext): Promise<number | false> {
  const r = await ctx.db.query<{ currency_id: number }>(
    'SELECT c.currency_id FROM res_company c WHERE c.id = COALESCE($1::int, (SELECT company_id FROM res_users WHERE id = $2))',
    [ctx.access.companyId, ctx.uid],
  );
  return r.rows[0]?.currency_id ?? false;
}

/** `fields.Datetime.now()` as Odoo stores it: UTC, whole seconds, no zone. */
export function odooNow(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', ' ');
}
