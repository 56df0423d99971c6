import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models dynamic serves once M19 (hp_feed) reaches phase `service`, with their legacy tables (index.ts declares them). */
export const DYNAMIC_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.activity', table: 'activities', module: 'M19' },
  { model: 'hp.user.feed', table: 'user_feeds', module: 'M19' },
  { model: 'hp.recommendation', table: 'recommendations', module: 'M19' },
];
