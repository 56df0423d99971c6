import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the user service serves once M02 (hp_personal) reaches phase `service`, with their legacy tables. */
export const USER_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.health.record', table: 'health_records', module: 'M02' },
  { model: 'hp.device.binding', table: 'device_bindings', module: 'M02' },
  { model: 'hp.health.goal', table: 'health_goals', module: 'M02' },
  { model: 'hp.assessment', table: 'assessments', module: 'M02' },
];
