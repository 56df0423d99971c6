import { userError } from '../../../errors.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { moduleInstalled } from './xmlid.ts';

/**
 * account's res.currency `write` (addons/account/models/res_currency.py): a new `rounding` that
 * is 0 or coarser than a currency's current one is refused, before `super().write` (so before
 * the `rounding_gt_zero` CHECK), when that currency has accounting entries
 * (`_has_accounting_entries`: a journal item in it or in its company currency, sudo).
 */
export function registerCurrencyAccounting(behaviours: BehaviourRegistry): void {
  behaviours.register('res.currency', {
    async beforeWrite(ctx, ids, vals) {
      if (!('rounding' in vals) || !(await moduleInstalled(ctx.db, 'account'))) return;
      const wanted = Number(vals.rounding === false || vals.rounding == null ? 0 : vals.rounding);
      const currencies = await ctx.db.query<{ id: number; rounding: string | number | null }>(
        `SELECT id, rounding FROM res_currency WHERE id = ANY($1::int4[])`,
        [ids],
      );
      const byId = new Map(currencies.rows.map((c) => [c.id, Number(c.rounding ?? 0)]));
      for (const id of ids) {
        const current = byId.get(id);
        if (current === undefined || !(wanted > current || wanted === 0)) continue;
        const used = await ctx.db.query(`SELECT 1 FROM account_move_line WHERE currency_id = $1 OR company_currency_id = $1 LIMIT 1`, [id]);
        if (used.rowCount) throw userError('You cannot reduce the number of decimal places of a currency which has already been used to make accounting entries.');
      }
    },
  });
}
