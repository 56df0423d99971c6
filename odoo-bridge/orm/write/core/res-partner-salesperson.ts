import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';

/**
 * res.partner `user_id` (the salesperson) is a stored compute declared `readonly=False` and
 * `precompute=True` (odoo/addons/base/models/res_partner.py `_compute_user_id`, depends on
 * `parent_id`): a person without a salesperson takes its parent's. On create it runs before the
 * INSERT when the vals do not give `user_id`; on write when `parent_id` is written without
 * `user_id`, for the records still without one.
 */
export function registerPartnerSalesperson(behaviours: BehaviourRegistry): void {
  behaviours.register('res.partner', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) {
        if ('user_id' in vals || vals.is_company || typeof vals.parent_id !== 'number') continue;
        const parentUser = await userOf(ctx, vals.parent_id);
        if (parentUser != null) vals.user_id = parentUser;
      }
    },
    afterWrite: async (ctx, ids, vals: Vals) => {
      if (!('parent_id' in vals) || 'user_id' in vals) return;
      await ctx.db.query(
        `UPDATE res_partner p SET user_id = q.user_id FROM res_partner q
          WHERE p.id = ANY($1::int4[]) AND q.id = p.parent_id AND p.user_id IS NULL AND NOT COALESCE(p.is_company, false) AND q.user_id IS NOT NULL`,
        [ids],
      );
    },
  });
}

async function userOf(ctx: CallContext, partnerId: number): Promise<number | null> {
  const r = await ctx.db.query<{ user_id: number | null }>(`SELECT user_id FROM res_partner WHERE id = $1`, [partnerId]);
  return r.rows[0]?.user_id ?? null;
}
