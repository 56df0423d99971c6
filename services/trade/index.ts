import { defineService } from '../kit/index.ts';
import type { TradeDatabase } from './db/database.ts';
import { TRADE_MIGRATIONS } from './db/migrations.ts';
import { orderCreationSaga } from './domain/order-creation-saga.ts';
import { TRADE_PUBLISHES, TRADE_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyTradeBehaviours } from './legacy/legacy-behaviours.ts';
import { TRADE_BUSINESS_METHODS } from './odoo/behaviours.ts';
import { registerTradeEngineBehaviours } from './odoo/engine.ts';
import { TRADE_ODOO_MODELS } from './odoo/models.ts';
import { TRADE_ROUTES } from './routes/index.ts';
import { orderCreationPorts } from './saga/order-creation-ports.ts';

/**
 * Trade: the health-service marketplace (M04) and order grabbing (M20). Its database is the
 * kit's provisioning of db/migrations.ts; legacy writes to its tables after cutover (a
 * monolith code path such as hp.payment.action_succeed marking an order paid while M13 is
 * still legacy) arrive as commands, applied by the kit's processor.
 */
export default defineService<TradeDatabase>({
  name: 'trade',
  modules: ['M04', 'M20'],
  publishes: TRADE_PUBLISHES,
  routes: TRADE_ROUTES,
  subscriptions: TRADE_SUBSCRIPTIONS,
  migrations: TRADE_MIGRATIONS,
  sagas: (owners) => [orderCreationSaga(orderCreationPorts(owners))],
  odoo: {
    models: TRADE_ODOO_MODELS,
    behaviours: registerTradeEngineBehaviours,
    businessMethods: TRADE_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyTradeBehaviours,
  },
});
