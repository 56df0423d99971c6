import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models finance serves once M13 (hp_payment), M14 (hp_points) and M15 (hp_gift) reach phase `service`, with their legacy tables. */
export const FINANCE_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.payment', table: 'payments', module: 'M13' },
  { model: 'hp.settlement', table: 'settlements', module: 'M13' },
  { model: 'hp.points.transaction', table: 'points_transactions', module: 'M14' },
  { model: 'hp.gift', table: 'gifts', module: 'M15' },
  { model: 'hp.gift.order', table: 'gift_orders', module: 'M15' },
];
