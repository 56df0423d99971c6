import type { CallContext } from '../../../odoo-bridge/orm/call-context.ts';
import type { ModelBehaviour } from '../../../odoo-bridge/orm/write/behaviour-registry.ts';

/** `default=lambda self: self.env.company.currency_id`. */
export async function companyCurrency(ctx: CallContext): Promise<number | false> {
  const r = await ctx.db.query<{ currency_id: number }>(
    'SELECT c.currency_id FROM res_company c WHERE c.id = COALESCE($1::int, (SELECT company_id FROM res_users WHERE id = $2))',
    [ctx.access.companyId, ctx.uid],
  );
  return r.rows[0]?.currency_id ?? false;
}

/** hp.health.service field defaults (hp_marketplace/models/hp_health_service.py). */
export const healthServiceBehaviour: ModelBehaviour = {
  defaults: async (ctx) => ({ currency_id: await companyCurrency(ctx), duration_minutes: 60, active: true }),
};

/** hp.matching.rule field defaults (hp_grab/models/hp_matching_rule.py). */
export const matchingRuleBehaviour: ModelBehaviour = {
  defaults: () => ({ min_level: 'junior', max_distance_km: 10.0, priority: 10, weight_rating: 0.5, weight_distance: 0.5, active: true }),
};
