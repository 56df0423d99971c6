import { defineService } from '../kit/index.ts';
import { EC_MIGRATIONS } from './db/migrations.ts';
import type { EcDatabase } from './db/tables.ts';
import { impressionKeyPruning } from './domain/impression-key-pruning-work.ts';
import { EC_PUBLISHES, EC_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyEcBehaviours } from './legacy/legacy-behaviours.ts';
import { EC_BUSINESS_METHODS, registerEcEngineBehaviours } from './odoo/behaviours.ts';
import { EC_ODOO_MODELS } from './odoo/models.ts';
import { EC_RECORD_RULES } from './odoo/record-rules.ts';
import { EC_ROUTES, EC_SHARED_PATHS } from './routes/index.ts';

/**
 * Ec: the health mall (M09 hp_mall: mall orders, their lines, per-warehouse inventory, the
 * product catalogue's health category) and advertising (M10 hp_ads: campaigns and impressions).
 * Its tables keep their legacy names in svc_ec, so the ORM engine serves hp.mall.order,
 * hp.mall.order.line, hp.inventory, hp.ad.campaign and hp.ad.impression with the addons'
 * behaviour (odoo/behaviours.ts over domain/), the same rules the REST routes run, and on the
 * monolith's tables while a module is still legacy (legacy/legacy-behaviours.ts). Products
 * (product.template / product.product) stay Odoo's: ec reads them where they live. The two
 * modules change owner on their own (db/ec-home.ts); REST and events work where each module's
 * rows live. Its background work prunes the impression ledger's keys past their retention.
 */
export default defineService<EcDatabase>({
  name: 'ec',
  modules: ['M09', 'M10'],
  publishes: EC_PUBLISHES,
  routes: EC_ROUTES,
  sharedPaths: EC_SHARED_PATHS,
  subscriptions: EC_SUBSCRIPTIONS,
  migrations: EC_MIGRATIONS,
  // Keys of the impression ledger past their retention (EC_IMPRESSION_KEY_RETENTION_DAYS, 7).
  background: impressionKeyPruning,
  odoo: {
    models: EC_ODOO_MODELS,
    behaviours: registerEcEngineBehaviours,
    businessMethods: EC_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyEcBehaviours,
    // hp_mall has no rule on order lines: members could read and change other members' lines.
    recordRules: EC_RECORD_RULES,
  },
});
