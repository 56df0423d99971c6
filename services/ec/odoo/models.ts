import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the ec service serves once M09 and M10 reach phase `service`, with their legacy tables. */
export const EC_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.mall.order', table: 'orders', module: 'M09' },
  { model: 'hp.mall.order.line', table: 'order_lines', module: 'M09' },
  { model: 'hp.inventory', table: 'inventories', module: 'M09' },
  { model: 'hp.ad.campaign', table: 'ad_campaigns', module: 'M10' },
  { model: 'hp.ad.impression', table: 'ad_impressions', module: 'M10' },
];
