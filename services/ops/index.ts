import { defineService } from '../kit/index.ts';
import { OPS_MIGRATIONS } from './db/migrations.ts';
import { notificationDelivery } from './domain/channel-dispatcher.ts';
import { withRiskStream } from './domain/risk-stream-work.ts';
import type { OpsDatabase } from './db/tables.ts';
import { OPS_PUBLISHES, OPS_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyOpsBehaviours } from './legacy/legacy-behaviours.ts';
import { OPS_BUSINESS_METHODS, registerOpsEngineBehaviours } from './odoo/behaviours.ts';
import { OPS_ODOO_MODELS } from './odoo/models.ts';
import { OPS_ROUTES, OPS_SHARED_PATHS } from './routes/index.ts';

/**
 * Ops: coach ratings and certifications (M05 hp_growth), platform operations and notifications
 * (M17 hp_operations), risk rules, alerts and the audit log (M18 hp_risk). Its tables keep their
 * legacy names in svc_ops, so the ORM engine serves hp.rating, hp.certification, hp.operation,
 * hp.notification, hp.risk.rule, hp.risk.alert and hp.audit.log with the addons' behaviour
 * (odoo/behaviours.ts over domain/), the same rules the REST routes run, and on the monolith's
 * tables while a module is still legacy (legacy/legacy-behaviours.ts). The three modules change
 * owner on their own (db/ops-home.ts); REST and events work where each module's rows live.
 */
export default defineService<OpsDatabase>({
  name: 'ops',
  modules: ['M05', 'M17', 'M18'],
  publishes: OPS_PUBLISHES,
  routes: OPS_ROUTES,
  sharedPaths: OPS_SHARED_PATHS,
  subscriptions: OPS_SUBSCRIPTIONS,
  migrations: OPS_MIGRATIONS,
  background: withRiskStream(notificationDelivery),
  odoo: {
    models: OPS_ODOO_MODELS,
    behaviours: registerOpsEngineBehaviours,
    businessMethods: OPS_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyOpsBehaviours,
    // M18's alerts name hp.rating records (rule RATING_LOW) but never read or write them in a
    // transaction of their own: M05 and M18 keep their own steps in the module order.
    looseLinks: [{ link: 'hp.risk.alert.res_model/res_id', because: 'an alert only names the record it is about; hp_risk never reads or writes it in its own transaction' }],
  },
});
