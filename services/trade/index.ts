import { defineService } from '../kit/index.ts';
import type { TradeDatabase } from './db/database.ts';
import { TRADE_MIGRATIONS } from './db/migrations.ts';
import { TRADE_PUBLISHES, TRADE_SUBSCRIPTIONS } from './events.ts';
import { TRADE_ODOO_MODELS } from './odoo/models.ts';
import { availableOrders } from './routes/available-orders.ts';
import { createGrabOrder } from './routes/grab-orders.ts';
import { createHealthService, getHealthService, listHealthServices } from './routes/health-services.ts';
import { changeOrderStatus, createServiceOrder } from './routes/service-orders.ts';

/** Trade: the health-service marketplace (M04) and order grabbing (M20). */
export default defineService<TradeDatabase>({
  name: 'trade',
  modules: ['M04', 'M20'],
  owns: {
    models: TRADE_ODOO_MODELS.map((m) => m.model),
    tables: TRADE_ODOO_MODELS.map((m) => m.table),
  },
  publishes: TRADE_PUBLISHES,
  routes: [listHealthServices, getHealthService, createHealthService, createServiceOrder, changeOrderStatus, createGrabOrder, availableOrders],
  subscriptions: TRADE_SUBSCRIPTIONS,
  migrations: TRADE_MIGRATIONS,
});
