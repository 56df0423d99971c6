import { companyCurrency, type ModelBehaviour } from '../../../odoo-bridge/orm/index.ts';

/** hp.health.service field defaults (hp_marketplace/models/hp_health_service.py). */
export const healthServiceBehaviour: ModelBehaviour = {
  defaults: async (ctx) => ({ currency_id: await companyCurrency(ctx), duration_minutes: 60, active: true }),
};

/** hp.matching.rule field defaults (hp_grab/models/hp_matching_rule.py). */
export const matchingRuleBehaviour: ModelBehaviour = {
  defaults: () => ({ min_level: 'junior', max_distance_km: 10.0, priority: 10, weight_rating: 0.5, weight_distance: 0.5, active: true }),
};
