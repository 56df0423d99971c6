import { defineService } from '../kit/index.ts';
import { FINANCE_MIGRATIONS } from './db/migrations.ts';
import type { FinanceDatabase } from './db/tables.ts';
import { FINANCE_PUBLISHES, FINANCE_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyFinanceBehaviours } from './legacy/legacy-behaviours.ts';
import { FINANCE_BUSINESS_METHODS, registerFinanceEngineBehaviours } from './odoo/behaviours.ts';
import { FINANCE_ODOO_MODELS } from './odoo/models.ts';
import { FINANCE_ROUTES, FINANCE_SHARED_PATHS } from './routes/index.ts';

/**
 * Finance: payments and settlements (M13 hp_payment), the points ledger (M14 hp_points) and
 * gifts (M15 hp_gift). Its tables keep their legacy names in svc_finance, so the ORM engine
 * serves hp.payment, hp.settlement, hp.points.transaction, hp.gift and hp.gift.order with the
 * addons' behaviour (odoo/behaviours.ts over domain/), the same rules the REST routes run, and
 * on the monolith's tables while the modules are still legacy (legacy/legacy-behaviours.ts).
 * Its REST and events work where the rows live (db/finance-home.ts). Legacy writes to its
 * tables after cutover arrive as commands, applied by the kit's processor.
 */
export default defineService<FinanceDatabase>({
  name: 'finance',
  modules: ['M13', 'M14', 'M15'],
  publishes: FINANCE_PUBLISHES,
  routes: FINANCE_ROUTES,
  sharedPaths: FINANCE_SHARED_PATHS,
  subscriptions: FINANCE_SUBSCRIPTIONS,
  migrations: FINANCE_MIGRATIONS,
  odoo: {
    models: FINANCE_ODOO_MODELS,
    behaviours: registerFinanceEngineBehaviours,
    businessMethods: FINANCE_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyFinanceBehaviours,
    movesTogether: [
      { modules: ['M14', 'M15'], because: 'hp.gift.order.create debits hp.points.transaction in the same transaction' },
      {
        modules: ['M13', 'M14'],
        because: "finance's REST routes and event handlers write payments, settlements and the points ledger on one side at a time (db/finance-home.ts: finance is home only when it owns M13, M14 and M15)",
      },
    ],
  },
});
