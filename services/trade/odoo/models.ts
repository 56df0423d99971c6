import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models trade serves once M04/M20 reach phase `service`, with their legacy tables (index.ts declares them). */
export const TRADE_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.health.service', table: 'health_services', module: 'M04' },
  { model: 'hp.service.order', table: 'service_orders', module: 'M04' },
  { model: 'hp.appointment', table: 'appointments', module: 'M04' },
  { model: 'hp.grab.order', table: 'grab_orders', module: 'M20' },
  { model: 'hp.matching.rule', table: 'matching_rules', module: 'M20' },
];
